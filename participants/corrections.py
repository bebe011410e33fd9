"""Corrections with history: what every app's correction service shares.

A correction form shows a record's current values and asks why it is being changed. The
services of participants, enrolments, interventions and plans write the change and one
`Correction` row (participants/models.py) through `record_correction()`, in the change's own
transaction. Three helpers make that the same everywhere:

- `value_of(obj, field)` — a field's value as the history stores it (a string: a choice's
  code, an ISO date, a number, the name of a related row, "yes"/"no");
- `show_value()` / `field_label()` — the same value and the field's name in the reader's
  language (choice labels are translated when shown, not when stored);
- `version_token()` / `check_unchanged()` — the concurrency check: the form carries the values it
  was built from (signed, so a changed token is refused); if the record has changed since, the
  save is refused naming each field that changed and its new value, and nothing is written.
"""

import datetime as dt
import hashlib
from decimal import Decimal

from django.apps import apps
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core import clock

IDENTITY_NUMBER = "identity_number"
_SALT = "foljsam.corrections"
# Names of changes that are not model fields, with their labels.
_PSEUDO_FIELDS = {
    IDENTITY_NUMBER: lambda: _("Identity number"),
    "position": lambda: _("Position in the plan"),
}


def _number(value: Decimal) -> str:
    if value == value.to_integral():
        return str(int(value))
    return str(value.quantize(Decimal("0.1")))


def _person_name(user) -> str:
    full = getattr(user, "get_full_name", lambda: "")()
    return full or user.get_username()


def value_of(obj, name: str) -> str:
    """The value of `obj.<name>` as the history stores and the forms compare it."""
    if name == IDENTITY_NUMBER:
        # Never the number: a fingerprint of its keyed hash, for the concurrency check only.
        digest = getattr(obj, "identity_hash", "") or ""
        return hashlib.sha256(digest.encode()).hexdigest()[:16] if digest else ""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        if obj.pk is None:
            return ""
        return "; ".join(sorted(str(o) for o in getattr(obj, name).all()))
    if field.is_relation:
        related = getattr(obj, name)
        if related is None:
            return ""
        from django.contrib.auth import get_user_model

        if isinstance(related, get_user_model()):
            return _person_name(related)
        return str(related)
    value = getattr(obj, field.attname)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _number(value)
    return str(value)


def values_of(obj, names) -> dict[str, str]:
    return {name: value_of(obj, name) for name in names}


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def field_label(object_type: str, name: str) -> str:
    """The field's name as the user sees it, in the active language."""
    if name in _PSEUDO_FIELDS:
        return str(_PSEUDO_FIELDS[name]())
    model = _model(object_type)
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except (AttributeError, FieldDoesNotExist):
        return name


def show_value(object_type: str, name: str, raw: str) -> str:
    """A stored value in the reader's language: "—" for nothing, a choice's label, yes/no."""
    if raw in (None, ""):
        return "—"
    if raw in ("yes", "no"):
        return str(_("Yes") if raw == "yes" else _("No"))
    model = _model(object_type)
    try:
        field = model._meta.get_field(name)
    except (AttributeError, FieldDoesNotExist):
        return str(raw)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if raw in choices:
        return str(choices[raw])
    return str(raw)


def changes_between(before: dict[str, str], after: dict[str, str]) -> list[dict]:
    """The history's change entries for the fields whose value differs (identity numbers
    masked: their fingerprint is compared, never stored)."""
    changes = []
    for name, old in before.items():
        new = after.get(name, old)
        if new == old:
            continue
        if name == IDENTITY_NUMBER:
            changes.append({"field": name, "masked": True})
        else:
            changes.append({"field": name, "old": old, "new": new})
    return changes


# --- concurrency ------------------------------------------------------------------------------


def version_token(values: dict[str, str]) -> str:
    """The signed values a correction form was built from (a hidden field of the form)."""
    return signing.dumps(values, salt=_SALT, compress=True)


def read_token(token: str) -> dict[str, str] | None:
    """The values in a token, or None when it is missing or was tampered with."""
    if not token:
        return None
    try:
        values = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return values if isinstance(values, dict) else None


def check_unchanged(*, object_type: str, expected: dict | None, current: dict[str, str]) -> None:
    """Refuse the save (ValidationError, nothing written) when the record changed after the
    form was opened: the message names each changed field and its new value."""
    if expected is None:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The form could not be checked against the saved record. Open it again "
                    "and repeat the correction."
                )
            },
            code="stale",
        )
    changed = [name for name in current if expected.get(name) != current[name]]
    if not changed:
        return
    parts = []
    for name in changed:
        label = field_label(object_type, name)
        if name == IDENTITY_NUMBER:
            parts.append(_("%(field)s (changed)") % {"field": label})
        else:
            parts.append(
                _("%(field)s is now “%(value)s”")
                % {"field": label, "value": show_value(object_type, name, current[name])}
            )
    raise ValidationError(
        {
            NON_FIELD_ERRORS: _(
                "Someone else changed this record after you opened the form, so nothing was "
                "saved: %(changes)s. Check the values below and save again if your correction "
                "still applies."
            )
            % {"changes": "; ".join(parts)}
        },
        code="concurrent",
    )


def clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the record is corrected.")})
    return reason


# --- the history ------------------------------------------------------------------------------


def record_correction(
    *,
    participant,
    project,
    obj,
    kind: str,
    changes: list[dict],
    reason: str,
    by,
    detail: str = "",
    removed: bool = False,
):
    """Add one history row (call inside the correction's transaction)."""
    from .models import Correction

    return Correction.objects.create(
        participant=participant,
        project=project,
        kind=kind,
        object_type=obj._meta.label,
        object_id=obj.pk,
        detail=detail[:200],
        removed=removed,
        changes=changes,
        reason=reason,
        by=by if getattr(by, "is_authenticated", False) else None,
        at=clock.now(),
    )


def history_for(participant, project):
    """The corrections of a person shown on their page in a project: those recorded in that
    project (a correction's reason is written for the project it was made in)."""
    from .models import Correction

    return Correction.objects.filter(participant=participant, project=project).select_related("by")
