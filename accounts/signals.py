from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from core import clock
from core.audit import log_action

from . import twofactor

# Session keys of the idle timeout and the session's age (accounts/middleware.py).
SIGNED_IN_AT_KEY = "foljsam_signed_in_at"
LAST_ACTIVITY_KEY = "foljsam_last_activity"
OIDC_BACKEND = "accounts.oidc.ExistingAccountBackend"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    log_action(by=user, action="login", object_type="accounts.User", object_id=user.pk)
    session = getattr(request, "session", None)
    if session is None:
        return
    started = clock.real_seconds()
    session[SIGNED_IN_AT_KEY] = started
    session[LAST_ACTIVITY_KEY] = started
    session.pop(twofactor.BY_PROVIDER_KEY, None)
    if getattr(user, "backend", "") == OIDC_BACKEND:
        session[twofactor.BY_PROVIDER_KEY] = True
    twofactor.remember_requirement(request, user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    """A failed login, in the audit log: the account it named (by id, if it names one), never
    the password or a user name that names no account."""
    from .lockout import known_account_id

    log_action(
        by=None,
        action="login",
        object_type="accounts.LoginFailure",
        object_id=known_account_id(credentials.get("username")),
        reason="failed login",
    )
