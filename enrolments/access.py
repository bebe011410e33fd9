"""Reading a participant's record: through the visibility rule, with a purpose, always logged."""

from django.http import Http404

from core.audit import log_action
from core.purpose import purpose_of_read

from .models import Enrolment


def visible_enrolments(request):
    """The enrolments the request's membership may see (see EnrolmentQuerySet.visible_to)."""
    return Enrolment.objects.visible_to(request.membership)


def get_visible_enrolment(request, enrolment_id: int, *, log: bool = True) -> Enrolment:
    """The enrolment if the membership may see it, else 404 (its existence is not revealed).
    Logs the read: who, when, which record (never its content), and why — outside one's own
    caseload the purpose the user gave (core/purpose.py: asked first, once per person and
    session; the question is raised from here as PurposeRequired). The purpose is left on the
    request (`request.read_purpose`) for further reads on the same page."""
    enrolment = (
        visible_enrolments(request)
        .select_related("participant", "project", "case_worker", "area")
        .filter(pk=enrolment_id)
        .first()
    )
    if enrolment is None:
        raise Http404
    if log:
        request.read_purpose = purpose_of_read(
            request, enrolment, respond=lambda req: _ask_purpose(req, enrolment)
        )
        log_action(
            by=request.user,
            action="view",
            obj=enrolment.participant,
            project=request.project,
            reason=f"enrolment {enrolment.pk}",
            purpose=request.read_purpose,
        )
    return enrolment


def _ask_purpose(request, enrolment):
    from .views_purpose import purpose_prompt

    return purpose_prompt(request, enrolment)
