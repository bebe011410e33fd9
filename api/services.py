"""Creating and revoking API tokens (keyword-only, audited; the token value is never logged)."""

from django.db import transaction

from core.audit import log_action
from core.clock import now as clock_now

from .models import PREFIX_LENGTH, ApiToken, hash_token, new_token_value


@transaction.atomic
def create_token(*, user, name: str, scopes, expires_at=None, by) -> tuple[ApiToken, str]:
    """A new token for `user`. Returns the token row and the token value, which is shown to the
    user once and stored nowhere (only its SHA-256 hash and first characters are kept)."""
    value = new_token_value()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=value[:PREFIX_LENGTH],
        token_hash=hash_token(value),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    log_action(by=by, action="create", obj=token, fields=["name", "scopes", "expires_at"])
    return token, value


@transaction.atomic
def revoke_token(*, token: ApiToken, by) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock_now()
        token.save(update_fields=["revoked_at"])
        log_action(by=by, action="change", obj=token, fields=["revoked_at"])
    return token
