"""Look-ups by identity number: the one way a person is found by their number, limited per user
and logged, and the one rule for when another project's record of them may be shown.

A look-up is not an oracle (docs/privacy-lookup.md):

- every look-up is an audit entry (`LOOKUP_REASON`), a hit naming the person's id, a miss naming
  no one — never the number — so the data protection officer sees who looked up how many numbers;
- a user may make at most `settings.IDENTITY_LOOKUP_LIMIT` look-ups within
  `settings.IDENTITY_LOOKUP_WINDOW_MINUTES`: the audit log is the count (no other state);
- what a look-up may tell the user about other projects is decided by `covering_consents()`:
  a consent in force in that project covering the user's organisation for information exchange
  between the agencies, for a role that sees people at all (core.policy person scopes).
  Without one, the pages say only whether the person can be enrolled — the same words whether
  the person is registered elsewhere or nowhere.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from core.audit import log_action
from core.clock import now
from core.models import LogEntry
from core.policy import PersonScope, person_scope

from . import identity
from .models import Consent, Participant

PARTICIPANT = "participants.Participant"
LOOKUP_REASON = "identity lookup"
REFUSED_REASON = "identity lookup refused: limit reached"
# A correction refused because the new number is someone else's (participants.services).
CORRECTION_HIT_REASON = "correction: number registered"
# Look-ups whose entries carry reasons of their own (the case list's) count as well.
COUNTED_PREFIXES = (LOOKUP_REASON + ":", "case list identity search", CORRECTION_HIT_REASON)
# The roles whose person scope lets them see a person at all; PLACED (providers) see people
# only through their own interventions, never through another project's consent.
SHARING_SCOPES = frozenset({PersonScope.ALL, PersonScope.CONSENTED})


class LookupLimitReached(ValidationError):
    """The user has made as many look-ups as allowed in the window: nothing was looked up."""

    def __init__(self):
        super().__init__(limit_message(), code="lookup_limit")


def limit_message() -> str:
    return _(
        "You have looked up %(limit)s identity numbers in the last %(minutes)s minutes, which "
        "is as many as allowed. Wait a while and try again. Every look-up is logged."
    ) % {
        "limit": settings.IDENTITY_LOOKUP_LIMIT,
        "minutes": settings.IDENTITY_LOOKUP_WINDOW_MINUTES,
    }


def recent_lookups(user) -> int:
    """The user's look-ups by number within the window, counted from the audit log."""
    if not getattr(user, "is_authenticated", False):
        return 0
    since = now() - dt.timedelta(minutes=settings.IDENTITY_LOOKUP_WINDOW_MINUTES)
    counted = Q()
    for prefix in COUNTED_PREFIXES:
        counted |= Q(reason__startswith=prefix)
    return LogEntry.objects.filter(counted, user=user, at__gte=since).count()


def check_limit(*, by, project=None) -> None:
    """Raise LookupLimitReached (after logging the refusal) when `by` may not look up now."""
    if recent_lookups(by) >= settings.IDENTITY_LOOKUP_LIMIT:
        log_action(by=by, action="view", object_type=PARTICIPANT, project=project,
                   reason=REFUSED_REASON)  # fmt: skip
        raise LookupLimitReached()


def find(*, by, project, number, where: str) -> Participant | None:
    """The person with this number, or None: one look-up, counted against the user's limit
    (LookupLimitReached when reached) and logged as `identity lookup: <where>` — with the
    person's id when found, without any id when not; never the number."""
    if isinstance(number, identity.IdentityNumber):
        number = number.digits
    check_limit(by=by, project=project)
    participant = Participant.objects.with_identity_number(number).first()
    log_action(
        by=by,
        action="view",
        obj=participant,
        object_type=PARTICIPANT,
        project=project,
        reason=f"{LOOKUP_REASON}: {where}",
    )
    return participant


def covering_consents(membership, participant: Participant, *, exclude_project=None) -> list:
    """The consents in force, in projects other than `exclude_project`, that let this member
    see what those projects recorded about the person: covering the member's organisation, for
    information exchange between the agencies, and only for a role that sees people (its
    person scope). Empty for everyone else — then nothing of those projects is shown."""
    if membership is None or participant is None or participant.is_anonymous:
        return []
    if person_scope(membership) not in SHARING_SCOPES:
        return []
    consents = Consent.objects.current().filter(
        participant=participant, organisations=membership.organisation_id
    )
    if exclude_project is not None:
        consents = consents.exclude(project=exclude_project)
    return [
        consent
        for consent in consents.select_related("project")
        if Consent.Purpose.INFORMATION_EXCHANGE in (consent.purposes or [])
    ]


def answer_identity_lookup(sender, *, number, by, project, **kwargs) -> int | None:
    """core.signals.person_by_identity_number: the audit search's look-up (counted and logged
    like every other), answered with the person's id or None."""
    participant = find(by=by, project=project, number=number, where="audit search")
    return participant.pk if participant is not None else None
