"""The participant page's timeline and the same person's enrolments in other projects.

The apps built on enrolments add their own rows to the timeline (plans: assessments and
action plans; interventions: placements) by answering the `timeline_events` signal
(enrolments/signals.py), so this app does not import them.
"""

from django.db.models import Q

from core.audit import log_action
from core.clock import today
from core.models import Membership
from participants import lookup

from .models import ContactNote, Enrolment, FollowUp, Status, StatusChange
from .signals import timeline_events


def _visible_notes(request, enrolment):
    """Notes the member may read: project-team notes (the consent check already let the
    member see the enrolment) and own-organisation notes of the member's organisation."""
    return enrolment.notes.filter(
        Q(visibility=ContactNote.Visibility.PROJECT)
        | Q(
            visibility=ContactNote.Visibility.ORGANISATION,
            author_organisation_id=request.membership.organisation_id,
        )
    ).select_related("author", "author_organisation")


# Within a day, later steps of the lifecycle come first in a newest-first timeline. Assessments,
# plans and participations come from the plans and interventions apps (timeline_events).
_RANK = {
    "referral": 0,
    "start": 1,
    "status": 2,
    "assessment": 3,
    "plan": 4,
    "participation": 5,
    "note": 6,
    "exit": 7,
    "follow_up": 8,
}


def build_timeline(request, enrolment) -> list[dict]:
    """Everything in the enrolment, newest first, in a fixed number of queries whatever the
    number of rows. Referral, start and exit come from the enrolment's own fields (so they
    show even where no StatusChange row was written); the other status changes from
    StatusChange."""
    events = [{"kind": "referral", "date": enrolment.referred_on, "obj": enrolment, "pk": 0}]
    if enrolment.started_on:
        events.append({"kind": "start", "date": enrolment.started_on, "obj": enrolment, "pk": 0})
    if enrolment.exited_on:
        events.append({"kind": "exit", "date": enrolment.exited_on, "obj": enrolment, "pk": 0})
    shown_elsewhere = Q(to_status=Status.EXITED) | Q(
        to_status__in=[Status.REFERRED, Status.ACTIVE], from_status__in=["", Status.REFERRED]
    )
    for change in (
        StatusChange.objects.filter(enrolment=enrolment)
        .exclude(shown_elsewhere)
        .select_related("changed_by")
    ):
        events.append({"kind": "status", "date": change.changed_on, "obj": change, "pk": change.pk})
    for _receiver, contributed in timeline_events.send(
        sender=Enrolment, enrolment=enrolment, request=request
    ):
        events.extend(contributed)
    for note in _visible_notes(request, enrolment):
        events.append({"kind": "note", "date": note.happened_on, "obj": note, "pk": note.pk})
    current = today()
    for follow_up in FollowUp.objects.filter(enrolment=enrolment):
        events.append(
            {
                "kind": "follow_up",
                "date": follow_up.recorded_on or follow_up.due_on,
                "obj": follow_up,
                "pk": follow_up.pk,
                "overdue": follow_up.recorded_on is None and follow_up.due_on < current,
            }
        )
    events.sort(key=lambda e: (e["date"], _RANK[e["kind"]], e["pk"]), reverse=True)
    return events


def other_enrolments(request, enrolment):
    """The same person's enrolments in other projects whose consent covers the member's
    organisation for information exchange (participants.lookup.covering_consents, the one rule).
    Of other projects nothing is shown — not even that they exist: the person may have been
    enrolled here through the registration form precisely because their consent elsewhere does
    not cover this organisation (docs/privacy-lookup.md). Each one shown is logged in its own
    project."""
    participant = enrolment.participant
    covered_projects = {
        consent.project_id
        for consent in lookup.covering_consents(
            request.membership, participant, exclude_project=request.project
        )
    }
    if not covered_projects:
        return []
    covered = list(
        Enrolment.objects.filter(participant_id=participant.pk, project_id__in=covered_projects)
        .select_related("project")
        .order_by("-referred_on", "-pk")
    )
    member_of = set(
        Membership.objects.filter(
            user=request.user, project_id__in=[e.project_id for e in covered]
        ).values_list("project_id", flat=True)
    )
    for other in covered:
        other.member = other.project_id in member_of
        log_action(
            by=request.user,
            action="view",
            obj=other,
            project=other.project,
            reason=f"seen from project {request.project.pk}",
            purpose=getattr(request, "read_purpose", ""),  # the page's own (enrolments.access)
        )
    return covered
