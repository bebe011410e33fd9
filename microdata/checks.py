"""Start-up check of the pseudonym key (docs/microdata.md, "The key")."""

from django.conf import settings
from django.core import checks

MIN_KEY_LENGTH = 32


@checks.register(checks.Tags.security)
def pseudonym_key_check(app_configs, **kwargs):
    """PSEUDONYM_KEY is set, long enough to be guessed by no one, and a key of its own: the
    settings refuse to start without it when DEBUG is off; this says what is wrong with one that
    is set."""
    key = getattr(settings, "PSEUDONYM_KEY", "") or ""
    if len(key) < MIN_KEY_LENGTH:
        return [
            checks.Error(
                f"PSEUDONYM_KEY is missing or shorter than {MIN_KEY_LENGTH} characters.",
                hint="Set PSEUDONYM_KEY in the environment to 32 random bytes, base64 encoded "
                '(python -c "import secrets,base64;'
                'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())").',
                id="microdata.E001",
            )
        ]
    others = {
        name
        for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "IDENTITY_HASH_KEY")
        if getattr(settings, name, None) == key
    }
    if others:
        return [
            checks.Error(
                f"PSEUDONYM_KEY is the same as {', '.join(sorted(others))}.",
                hint="Give the pseudonyms a key of their own.",
                id="microdata.E002",
            )
        ]
    return []
