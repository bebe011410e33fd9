"""Scheduled work of the privacy app (django-tasks; `manage.py anonymise_expired` does the same
from cron or a systemd timer, docs/privacy.md)."""

from django_tasks import task


@task()
def anonymise_expired_task() -> dict:
    """Anonymise the people of every project whose retention period has passed."""
    from .services import anonymise_expired, prune_extract_files

    report = anonymise_expired()
    return {**report.as_dict(), "extract_files_pruned": prune_extract_files()}
