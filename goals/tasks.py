"""Background work of the goals app."""

from django_tasks import task


@task()
def refresh_summary(project_id: int) -> None:
    """Recompute one project's stored dashboard figures (goals.summaries), unless a dashboard
    view has already brought them in step since the write that queued this: a write is
    counted once."""
    from core.models import Project

    from .summaries import refresh_if_stale

    project = Project.objects.filter(pk=project_id).first()
    if project is not None:
        refresh_if_stale(project)
