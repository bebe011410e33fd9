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
