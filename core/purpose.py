"""The purpose of opening a person's record (issue 12, item 3; docs/audit.md, "Purposes").

Opening a participant's page outside one's own caseload (core.policy.in_own_caseload) first asks
why; the answer is kept with the view entry (LogEntry.purpose, .purpose_text) and remembered in
the session for that person for PURPOSE_REMEMBER_HOURS (8) hours, so the question is asked once
per person and working day. One's own caseload is recorded as "own caseload" without a question.

On by default everywhere, the demo included (`PURPOSE_PROMPT = False` in the settings turns the
question off; reads are then logged without a purpose). The prompt is an ordinary page (200) in
place of the person's page, showing nothing about the person; its form posts to the person's
purpose page (enrolments:read_purpose), which goes on to the page first asked for.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import clock
from .models import Purpose
from .policy import in_own_caseload

SESSION_KEY = "foljsam_read_purposes"


class PurposeRequired(Exception):
    """Raised by a person page that may not be shown before the user gives a purpose;
    core.decorators.project_view answers with `respond(request)` (the prompt)."""

    def __init__(self, respond):
        super().__init__("purpose required")
        self.respond = respond


def prompt_on() -> bool:
    return bool(getattr(settings, "PURPOSE_PROMPT", True))


def _remember_for() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "PURPOSE_REMEMBER_HOURS", 8))


def remembered(request, person_id) -> tuple[str, str] | None:
    stored = request.session.get(SESSION_KEY, {}).get(str(person_id))
    if not stored:
        return None
    try:
        at = dt.datetime.fromisoformat(stored["at"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (dt.timedelta(0) <= clock.now() - at <= _remember_for()):
        return None
    return stored.get("purpose", ""), stored.get("text", "")


def remember(request, person_id, purpose: str, text: str = "") -> None:
    purposes = request.session.get(SESSION_KEY, {})
    now = clock.now()
    # Forget what has run out, so the session does not grow with every person ever opened.
    for key in [k for k, v in purposes.items() if not _fresh(v, now)]:
        del purposes[key]
    purposes[str(person_id)] = {"purpose": purpose, "text": text, "at": now.isoformat()}
    request.session[SESSION_KEY] = purposes


def _fresh(stored, now) -> bool:
    try:
        return now - dt.datetime.fromisoformat(stored["at"]) <= _remember_for()
    except (KeyError, TypeError, ValueError):
        return False


def purpose_of_read(request, enrolment, respond) -> str | tuple[str, str]:
    """The purpose to log with a read of the enrolment's person: "own caseload", the purpose
    remembered in the session, or — when the question is on and none is remembered — raise
    PurposeRequired so the page answers with the question (`respond(request)`)."""
    if in_own_caseload(request.membership, enrolment):
        return Purpose.OWN_CASELOAD
    given = remembered(request, enrolment.participant_id)
    if given is not None:
        return given
    if not prompt_on():
        return ""
    raise PurposeRequired(respond)


class ReadPurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Why are you opening this person's record?"),
        choices=[(v, label) for v, label in Purpose.choices if v != Purpose.OWN_CASELOAD],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Other purpose"),
        required=False,
        max_length=200,
        help_text=_("Only when you chose Other. Write no names or identity numbers."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == Purpose.OTHER and not cleaned.get("text", "").strip():
            self.add_error("text", _("Describe the purpose when you choose Other."))
        if cleaned.get("purpose") != Purpose.OTHER:
            cleaned["text"] = ""
        return cleaned
