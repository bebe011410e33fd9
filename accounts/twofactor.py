"""Two-factor sign-in (django-otp, TOTP with recovery codes): who must use it, and whether a
logged-in session has done its second step yet. docs/security.md, "Two-factor codes".

Who must: with settings.REQUIRE_TWO_FACTOR on (production's default), every administrator
(is_staff or is_superuser) and every user with a membership whose role sees people or
pseudonymised rows (core/policy.py decides which roles those are). A user whose every role sees
only suppressed aggregates (steering group) need not. Whoever has set up an authenticator app is
always asked for a code, whatever the setting.

The answer is computed when the user logs in and kept in the session; a session that did not
need a second step asks again every minute (a membership granted later takes effect then).
"""

from django.conf import settings

from core import clock
from core.policy import Capability, can, sees_people

# Session keys: whether this login needs a second step ({"needed": bool, "at": seconds}), and
# whether the identity provider did the second factor (OpenID Connect, accounts/oidc.py).
STATE_KEY = "foljsam_two_factor"
BY_PROVIDER_KEY = "foljsam_two_factor_by_provider"
RECHECK_SECONDS = 60
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"
TOTP_DEVICE_NAME = "authenticator"


def required_for(user) -> bool:
    """Must this user use a second factor (settings.REQUIRE_TWO_FACTOR on)?"""
    if not settings.REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(
        sees_people(membership) or can(membership, Capability.REPORTS_PSEUDONYMISED)
        for membership in user.memberships.all()
    )


def confirmed_device(user):
    """The user's confirmed authenticator app (TOTP device), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def recovery_device(user):
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def is_verified(request) -> bool:
    """Has this session done its second step (a code from the app or a recovery code, or an
    identity provider that counts as two-factor)?"""
    user = request.user
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return True
    return bool(settings.OIDC_COUNTS_AS_TWO_FACTOR and request.session.get(BY_PROVIDER_KEY))


def remember_requirement(request, user) -> bool:
    """Decide, now, whether this session needs a second step, and keep it in the session."""
    needed = required_for(user) or confirmed_device(user) is not None
    request.session[STATE_KEY] = {"needed": needed, "at": clock.real_seconds()}
    return needed


def pending(request) -> bool:
    """Is this logged-in session still waiting for its second step? Nothing personal is shown
    to a session that is (accounts/middleware.py, accounts/authentication.py)."""
    user = request.user
    if not user.is_authenticated:
        return False
    state = request.session.get(STATE_KEY)
    if not isinstance(state, dict):
        needed = remember_requirement(request, user)
    elif not state.get("needed"):
        stale = clock.real_seconds() - state.get("at", 0) > RECHECK_SECONDS
        recheck = settings.REQUIRE_TWO_FACTOR and stale
        needed = remember_requirement(request, user) if recheck else False
    else:
        needed = True
    return needed and not is_verified(request)


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use ones."""
    from django.db import transaction
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
