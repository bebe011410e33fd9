"""Background work of the goals app."""

from django_tasks import task


@task()
def refresh_summary(project_id: int) -> None:
    """Recompute one project's stored dashboard figures (goals.summaries)."""
    from core.models import Project

    from .summaries import refresh

    project = Project.objects.filter(pk=project_id).first()
    if project is not None:
        refresh(project)
