"""The participant page's history: corrections and consent versions.

Tags, so that the page's view (enrolments/views.py) needs no change: both read rows of the
enrolment the view already got through enrolments.access (the visibility rule)."""

from django import template

from participants.corrections import history_for

from ..registration import consent_changes

register = template.Library()


@register.simple_tag
def corrections_for(enrolment) -> list:
    """The corrections of the person recorded in the enrolment's project, newest first."""
    return list(history_for(enrolment.participant, enrolment.project))


@register.simple_tag
def consent_versions(enrolment) -> list:
    """Every consent (and each version of it) of the person in the enrolment's project, newest
    first, each with what it changed against the version it replaced (`.changes`)."""
    versions = list(
        enrolment.participant.consents.filter(project=enrolment.project)
        .select_related("recorded_by", "confirmed_by", "withdrawal_recorded_by", "previous")
        .prefetch_related("organisations", "previous__organisations")
        .order_by("-given_on", "-version", "-pk")
    )
    for consent in versions:
        consent.changes = consent_changes(consent)
    return versions
