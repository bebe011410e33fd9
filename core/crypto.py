"""Encryption at rest, in one place: identity numbers, free-text fields about health or social
circumstances, and uploaded spreadsheets are all encrypted with the keys named here.

The current key is settings.FIELD_ENCRYPTION_KEY; keys that were current before are listed in
settings.FIELD_ENCRYPTION_OLD_KEYS (comma-separated in the environment), so data written under an
old key can still be read while `manage.py rotate_keys` re-encrypts it under the current one.
Fernet: AES-128-CBC with HMAC-SHA256; a token also names when it was made, never what it holds.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db.models import BinaryField

__all__ = ["InvalidToken", "decrypt_bytes", "decrypt_text", "encrypt_bytes", "encrypt_text"]


@lru_cache(maxsize=4)
def _multi(current: str, old: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in (current, *old)])


def keys() -> MultiFernet:
    """The current key first (it encrypts), then the old ones (they only decrypt)."""
    old = tuple(getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) or ())
    return _multi(settings.FIELD_ENCRYPTION_KEY, old)


def encrypt_bytes(data: bytes) -> bytes:
    return keys().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return keys().decrypt(token)


def encrypt_text(text: str) -> str:
    return keys().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    return keys().decrypt(token.encode()).decode()


def rotate_token(token: str) -> str:
    """The same plaintext under the current key (the token's own if it already is)."""
    return keys().rotate(token.encode()).decode()


# --- every encrypted column, in one place ----------------------------------------------------

# (model, field) of every column that holds data encrypted with these keys. `manage.py
# rotate_keys` re-encrypts exactly these; tests/test_encryption_at_rest.py fails when a model has
# an EncryptedTextField that is not listed here. EncryptedTextField columns decrypt themselves;
# the others hold the token itself (text or bytes) and their model decrypts it.
ENCRYPTED_COLUMNS = (
    ("participants.Participant", "identity_encrypted"),
    ("enrolments.ContactNote", "text"),
    ("plans.AssessmentItem", "note"),
    ("plans.ActionPlan", "goals"),
    ("plans.ActionPlanStep", "description"),
    ("imports.Upload", "content"),
    ("surveys.SurveyAnswer", "text"),
    ("surveys.Invitation", "email"),
    ("surveys.Invitation", "draft"),
)

BATCH = 500
# Every Fernet token starts with its version byte 0x80, which base64 writes as "gAAAAA".
FERNET_PREFIX = "gAAAAA"  # noqa: S105 (not a secret)


def _is_token(raw: bytes) -> bool:
    return raw.startswith(FERNET_PREFIX.encode())


def _is_current(token: bytes) -> bool:
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEY.encode()).decrypt(token)
    except InvalidToken:
        return False
    return True


def _raw_batches(model, field_name: str, batch: int):
    """Lists of (pk, raw column value as bytes) by primary key, `batch` at a time, read past
    the field's own decryption."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    field = model._meta.get_field(field_name)
    text = not isinstance(field, BinaryField)
    rows = model._base_manager.order_by("pk")
    column = field_name
    if text:
        rows = rows.annotate(_raw_column=Cast(field_name, TextField()))
        column = "_raw_column"
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        found = list(page.values_list("pk", column)[:batch])
        if not found:
            return
        yield (
            text,
            [(pk, (raw.encode() if text else bytes(raw)) if raw else b"") for pk, raw in found],
        )
        last = found[-1][0]


def _write_raw(model, field_name: str, pk, raw: bytes, text: bool) -> None:
    from django.db.models import TextField, Value

    value = Value(raw.decode(), output_field=TextField()) if text else raw
    model._base_manager.filter(pk=pk).update(**{field_name: value})


def rotate_column(model, field_name: str, *, batch: int = BATCH) -> int:
    """Re-encrypt one column under the current key, `batch` rows at a time, each batch one
    transaction; a value already under the current key is left as it is, and clear text in an
    EncryptedTextField (written before the field was encrypted) is encrypted. Returns how many
    values were rewritten. Safe to run again, and beside the running application."""
    from django.db import transaction

    from .fields import EncryptedTextField

    encrypts_clear_text = isinstance(model._meta.get_field(field_name), EncryptedTextField)
    rewritten = 0
    for text, rows in _raw_batches(model, field_name, batch):
        with transaction.atomic():
            for pk, raw in rows:
                if not raw:
                    continue
                if _is_token(raw):
                    if _is_current(raw):
                        continue
                    new = keys().rotate(raw)
                elif encrypts_clear_text:
                    new = keys().encrypt(raw)
                else:
                    continue
                _write_raw(model, field_name, pk, new, text)
                rewritten += 1
    return rewritten


def decrypt_column(model, field_name: str, *, batch: int = BATCH) -> int:
    """The reverse of encrypting a text column (a migration's way back): clear text again."""
    from django.db import transaction

    done = 0
    for text, rows in _raw_batches(model, field_name, batch):
        with transaction.atomic():
            for pk, raw in rows:
                if raw and _is_token(raw):
                    _write_raw(model, field_name, pk, keys().decrypt(raw), text)
                    done += 1
    return done


def rotate_all(*, batch: int = BATCH, report=None) -> dict[str, int]:
    """rotate_column for every column of ENCRYPTED_COLUMNS; `report(label, count)` after each."""
    from django.apps import apps

    counts = {}
    for label, field_name in ENCRYPTED_COLUMNS:
        model = apps.get_model(label)
        counts[f"{label}.{field_name}"] = count = rotate_column(model, field_name, batch=batch)
        if report:
            report(f"{label}.{field_name}", count)
    return counts
