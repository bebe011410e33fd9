"""The audit trail: every read and change of a person's data goes through log_action()."""

import contextvars
import uuid

from .models import LogEntry

_request_id: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "foljsam_request_id", default=None
)


def set_request_id(value: uuid.UUID | None):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


def current_request_id() -> uuid.UUID | None:
    return _request_id.get()


def log_action(
    *,
    by,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    project=None,
    fields=(),
    reason: str = "",
) -> LogEntry:
    """Append an audit entry. Names the object by type and id only, never by content, so the
    log itself holds no personal data; `fields` lists changed field names, not values."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    user = by if getattr(by, "is_authenticated", False) else None
    return LogEntry.objects.create(
        user=user,
        user_label=user.get_username() if user else "",
        project=project,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(fields),
        reason=reason,
        request_id=current_request_id(),
    )
