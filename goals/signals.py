"""What goals hears from the apps below it (core/signals.py): counted data written without a
model signal makes the projects' stored summaries stale, in the writer's transaction."""

from core.signals import counted_data_changed

from . import summaries


def _on_counted_data_changed(sender, *, project_ids=(), enrolment_ids=(), **kwargs):
    if project_ids:
        summaries.mark_stale(project_ids)
    elif enrolment_ids:  # their projects, when the sender did not name them
        summaries.mark_stale_for_enrolments(enrolment_ids)


def connect() -> None:
    counted_data_changed.connect(_on_counted_data_changed, dispatch_uid="goals-counted-data")
