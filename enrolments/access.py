"""Reading a participant's record: through the visibility rule, and always logged."""

from django.http import Http404

from core.audit import log_action

from .models import Enrolment


def visible_enrolments(request):
    """The enrolments the request's membership may see (see EnrolmentQuerySet.visible_to)."""
    return Enrolment.objects.visible_to(request.membership)


def get_visible_enrolment(request, enrolment_id: int, *, log: bool = True) -> Enrolment:
    """The enrolment if the membership may see it, else 404 (its existence is not revealed).
    Logs the read: who, when, which record (never its content)."""
    enrolment = (
        visible_enrolments(request)
        .select_related("participant", "project", "case_worker", "area")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404
    if log:
        log_action(
            by=request.user,
            action="view",
            obj=enrolment.participant,
            project=request.project,
            reason=f"enrolment {enrolment.pk}",
        )
    return enrolment
