"""What a corrected exit means for placements: those that ended at the exit ("ended at exit",
set by services.end_placements_at_exit) end at the corrected exit date instead. Answers
enrolments.signals.exit_corrected, connected in apps.py."""

from core import clock
from core.audit import log_action
from core.signals import counted_data_changed

from .models import Participation


def move_placements_to_corrected_exit(*, enrolment_id: int, old, new, by=None) -> int:
    """End the enrolment's placements that ended at the exit on `old` on `new` instead (never
    before a placement's start). Returns how many moved."""
    moved = list(
        Participation.objects.select_for_update(of=("self",))
        .filter(
            enrolment_id=enrolment_id,
            completion=Participation.Completion.ENDED,
            ended_on=old,
        )
        .select_related("intervention__project")
    )
    if not moved:
        return 0
    now = clock.now()
    for participation in moved:
        participation.ended_on = max(new, participation.started_on)
        participation.updated_at = now
    Participation.objects.bulk_update(moved, ["ended_on", "updated_at"])
    counted_data_changed.send(Participation, enrolment_ids=[enrolment_id])
    for participation in moved:
        log_action(
            by=by,
            action="change",
            obj=participation,
            project=participation.intervention.project,
            fields=["ended_on"],
            reason=f"corrected exit of enrolment {enrolment_id}",
        )
    return len(moved)


def _on_exit_corrected(sender, *, enrolment_id, old, new, by=None, **kwargs):
    move_placements_to_corrected_exit(enrolment_id=enrolment_id, old=old, new=new, by=by)
