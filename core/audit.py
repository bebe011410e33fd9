"""The audit trail: every read and change of a person's data goes through log_action() (one
entry) or log_people_shown() (a list page: one entry per person it showed, one statement).

Entries are appended to a hash chain (docs/audit.md): under one lock per database — PostgreSQL's
transaction-scoped advisory lock, SQLite's write lock, which Följsam's IMMEDIATE transactions take
at BEGIN — each entry gets the next sequence number and the SHA-256 of the previous entry's hash
and its own canonical content. `verify_chain()` (`manage.py verify_audit`) walks the chain and
names the first entry that does not match. The database refuses UPDATE, DELETE and TRUNCATE on
the table (triggers, core migration 0009), so an entry once written stays as it is.

A page read whose entry cannot be written fails (the exception reaches the page, which answers
with the error page): personal data is never shown unlogged. On SQLite a read waits for a
running write (the connection's busy timeout, settings `timeout`) instead of failing at once.
"""

import contextvars
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import connection, transaction

from .fastinsert import New, PreparedInsert
from .models import LogEntry

_request_id: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar(
    "foljsam_request_id", default=None
)
# The user the current request acts as (core.middleware.RequestIdMiddleware), or the user a
# service acts for (acting_as): who changed a membership when the change comes from a signal.
_actor: contextvars.ContextVar = contextvars.ContextVar("foljsam_actor", default=None)

# pg_advisory_xact_lock key of the chain: any fixed 64-bit number, the same in every process.
CHAIN_LOCK_KEY = 0x466F6C6A73616D  # "Foljsam"
GENESIS = "0" * 64
PERSON_TYPE = "participants.Participant"


def set_request_id(value: uuid.UUID | None):
    return _request_id.set(value)


def reset_request_id(token) -> None:
    _request_id.reset(token)


def current_request_id() -> uuid.UUID | None:
    return _request_id.get()


def set_actor(user):
    return _actor.set(user)


def reset_actor(token) -> None:
    _actor.reset(token)


def current_actor():
    """The authenticated user the current request or service acts as, else None."""
    user = _actor.get()
    return user if getattr(user, "is_authenticated", False) else None


class acting_as:
    """`with acting_as(user):` — changes made inside (e.g. a membership saved by a service
    function called outside a request) are recorded as that user's."""

    def __init__(self, user):
        self.user = user

    def __enter__(self):
        self.token = _actor.set(self.user)
        return self.user

    def __exit__(self, *exc):
        _actor.reset(self.token)


# --- the chain --------------------------------------------------------------------------------


def _timestamp(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def canonical(entry: LogEntry) -> str:
    """The entry's content as the chain hashes it: every field but the id and the hash, in a
    fixed order and form (times in UTC to the microsecond, ids as numbers). Every entry ever
    written was hashed with it (core migration 0009 too): a new field must be added so that
    entries without it hash as before."""
    content = {
        "seq": entry.seq,
        "at": _timestamp(entry.at),
        "user": entry.user_id,
        "user_label": entry.user_label,
        "project": entry.project_id,
        "person": entry.person_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "fields": entry.fields,
        "reason": entry.reason,
        "purpose": entry.purpose,
        "purpose_text": entry.purpose_text,
        "request_id": str(entry.request_id) if entry.request_id else "",
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link(previous: str, text: str) -> str:
    """The hash of an entry whose canonical text is `text`, after the entry hashed `previous`."""
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def chain_hash(previous: str, entry: LogEntry) -> str:
    return link(previous, canonical(entry))


def _lock_chain() -> None:
    """Serialise appends until the transaction ends. SQLite: the write lock is already held
    (transaction_mode IMMEDIATE takes it at BEGIN), so nothing more is needed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def locked_head() -> tuple[int, str]:
    """Lock the chain until the transaction ends and return its last (seq, hash): every
    append — one entry, a list, the import's prepared bulk insert — starts here."""
    _lock_chain()
    head = (
        LogEntry.objects.filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "chain_hash")
        .first()
    )
    return head if head else (0, GENESIS)


def append(entries: list[LogEntry]) -> list[LogEntry]:
    """Append entries to the chain in one transaction and one INSERT."""
    if not entries:
        return entries
    with transaction.atomic():
        seq, previous = locked_head()
        for entry in entries:
            seq += 1
            entry.seq = seq
            entry.chain_hash = previous = chain_hash(previous, entry)
        LogEntry.objects.bulk_create(entries)
    return entries


def person_id_of(obj) -> int | None:
    """The participant an object is about: the participant itself, or the one its enrolment,
    participation, plan or assessment belongs to (None for anything else)."""
    for _hop in range(4):
        if obj is None:
            return None
        if obj._meta.label == PERSON_TYPE:
            return obj.pk
        participant_id = getattr(obj, "participant_id", None)
        if participant_id is not None:
            return participant_id
        for relation in ("enrolment", "participation", "plan", "assessment"):
            if hasattr(type(obj), relation) and getattr(obj, f"{relation}_id", None) is not None:
                obj = getattr(obj, relation)
                break
        else:
            return None
    return None


def _entry(by, *, action, object_type, object_id, project, person_id, fields, reason, purpose):
    user = by if getattr(by, "is_authenticated", False) else None
    purpose_code, purpose_text = purpose if isinstance(purpose, tuple) else (purpose or "", "")
    return LogEntry(
        user=user,
        user_label=user.get_username() if user else "",
        project_id=getattr(project, "pk", project),
        person_id=person_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(fields),
        reason=reason,
        purpose=purpose_code,
        purpose_text=purpose_text,
        request_id=current_request_id(),
    )


def log_action(
    *,
    by,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    project=None,
    person=None,
    fields=(),
    reason: str = "",
    purpose: str | tuple[str, str] = "",
) -> LogEntry:
    """Append an audit entry. Names the object by type and id only, never by content, so the
    log itself holds no personal data; `fields` lists changed field names, not values.
    `person` (a participant or its id) is found from `obj` when not given. `reason` is the
    system's context; `purpose` the user's own (a Purpose value, or (value, text) for Other)."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    person_id = getattr(person, "pk", person) if person is not None else person_id_of(obj)
    if person_id is None and object_type == PERSON_TYPE and str(object_id).isdigit():
        person_id = int(object_id)
    entry = _entry(
        by,
        action=action,
        object_type=object_type,
        object_id=object_id,
        project=project,
        person_id=person_id,
        fields=fields,
        reason=reason,
        purpose=purpose,
    )
    return append([entry])[0]


def log_people_shown(
    *, by, project, person_ids: Iterable[int], reason: str, purpose: str = ""
) -> list[LogEntry]:
    """A page listing people (case list, worklist, attendance lists) is a read of each of
    them: one view entry per person shown, naming them by id, written in one statement.
    `reason` names the list ("case list"), never the filter values."""
    ids = list(dict.fromkeys(int(pk) for pk in person_ids if pk is not None))
    return append(
        [
            _entry(
                by,
                action=LogEntry.Action.VIEW,
                object_type=PERSON_TYPE,
                object_id=pk,
                project=project,
                person_id=pk,
                fields=(),
                reason=reason,
                purpose=purpose,
            )
            for pk in ids
        ]
    )


# --- verification -----------------------------------------------------------------------------


class ChainReport:
    def __init__(self, count: int, broken_id: int | None = None, problem: str = ""):
        self.count, self.broken_id, self.problem = count, broken_id, problem

    @property
    def intact(self) -> bool:
        return self.broken_id is None and not self.problem


def verify_chain(batch: int = 2000) -> ChainReport:
    """Walk the chain in order; the first entry whose sequence number skips (an entry before
    it was deleted) or whose hash does not match its content and its predecessor is reported."""
    previous, expected_seq, count, last_seq = GENESIS, 1, 0, 0
    unchained = LogEntry.objects.filter(seq__isnull=True).order_by("pk").first()
    if unchained is not None:
        return ChainReport(0, unchained.pk, "entry outside the chain")
    while True:
        rows = list(LogEntry.objects.filter(seq__gt=last_seq).order_by("seq")[:batch])
        if not rows:
            return ChainReport(count)
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(count, entry.pk, "an entry before it is missing")
            if entry.chain_hash != chain_hash(previous, entry):
                return ChainReport(count, entry.pk, "content or hash changed")
            previous, expected_seq, count = entry.chain_hash, expected_seq + 1, count + 1
        last_seq = rows[-1].seq


class PreparedLog:
    """The import's audit entries, appended to the hash chain (core/audit.py) inside the write:
    their canonical text is made beforehand with placeholders for what only the transaction
    knows (the sequence number, new objects' and people's ids), so that the chain costs a
    string join and a SHA-256 per entry while the lock is held."""

    SEQ, PERSON, OBJECT = -7, -8, "\ue000"
    # What a template is made of: the entries of an import share one for each action, type
    # and list of fields.
    SHARED = (
        "at",
        "user_id",
        "user_label",
        "project_id",
        "action",
        "object_type",
        "reason",
        "request_id",
    )

    def __init__(self, logs: list[dict]):
        self.model = LogEntry
        self.insert = PreparedInsert(LogEntry, logs)
        names = [f.attname for f in self.insert.fields]
        self.at = {
            name: names.index(name) for name in ("seq", "chain_hash", "object_id", "person_id")
        }
        made = {}
        self.templates = []
        for log in logs:
            # With the types: 1, 1.0 and True are equal keys, but not the same JSON.
            fields = log["fields"]
            key = (
                *((type(log[name]), log[name]) for name in self.SHARED),
                tuple(fields),
                tuple(map(type, fields)),
            )
            template = made.get(key)
            if template is None:
                template = made[key] = self._template(log)
            self.templates.append(template)

    def _template(self, log: dict) -> tuple[str, str, str, str]:
        """The entry's canonical text in four pieces, around its object id, person and
        sequence number."""
        text = canonical(
            SimpleNamespace(
                seq=self.SEQ,
                at=log["at"],
                user_id=log["user_id"],
                user_label=log["user_label"],
                project_id=log["project_id"],
                person_id=self.PERSON,
                action=log["action"],
                object_type=log["object_type"],
                object_id=self.OBJECT,
                fields=log["fields"],
                reason=log["reason"],
                purpose="",
                purpose_text="",
                request_id=log["request_id"],
            )
        )
        head, rest = text.split(f'"object_id":"{self.OBJECT}"')
        middle, rest = rest.split(f'"person":{self.PERSON}')
        tail, end = rest.split(f'"seq":{self.SEQ}')
        return (head + '"object_id":', middle + '"person":', tail + '"seq":', end)

    def __len__(self):
        return len(self.templates)

    def execute(self, ids: dict) -> None:
        if not self.templates:
            return
        rows = self.insert.values
        i_seq, i_hash, i_object, i_person = (
            self.at[k] for k in ("seq", "chain_hash", "object_id", "person_id")
        )
        for values in rows:
            for i in (i_object, i_person):
                if type(values[i]) is New:
                    values[i] = values[i].resolve(ids)
        seq, previous = locked_head()
        for values, (head, middle, tail, end) in zip(rows, self.templates, strict=True):
            seq += 1
            person = values[i_person]
            object_id = values[i_object]
            if type(object_id) is str and object_id.isdigit() and object_id.isascii():
                object_id = f'"{object_id}"'  # an id: json.dumps would quote it as it is
            else:
                object_id = json.dumps(object_id, ensure_ascii=False)
            text = (
                f"{head}{object_id}{middle}"
                f"{'null' if person is None else int(person)}{tail}{seq}{end}"
            )
            previous = link(previous, text)
            values[i_seq], values[i_hash] = seq, previous
        self.insert.execute(ids)
