"""Lockout after repeated failed logins (django-axes; settings AXES_*, README "Settings").

Axes counts failures per account and per address and refuses a locked one before its password
is checked; these are the two pieces it asks Följsam for: the client's address (proxy-aware)
and the page a locked-out user sees, in their language.
"""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import render

from core.audit import log_action


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind a TLS-terminating proxy (BEHIND_TLS_PROXY)
    the address the trusted proxy appended to X-Forwarded-For (TRUSTED_PROXY_COUNT proxies
    from the right; what a client wrote further left is not trusted)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return remote


def known_account_id(username) -> str:
    """The id of the account a typed user name names, or "" (a typed text that names no account
    is never kept: it may be a password typed into the wrong field)."""
    if not username:
        return ""
    pk = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    return str(pk) if pk else ""


def locked_out_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (HTTP 429), instead of axes' plain text."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    log_action(
        by=None,
        action="login",
        object_type="accounts.LoginLockout",
        object_id=known_account_id(username),
        reason="locked out after repeated failed logins",
    )
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
