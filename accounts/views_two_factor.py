"""The two-factor pages (docs/security.md, "Two-factor codes"): the code step after the
password, setting up an authenticator app (QR code drawn on the server as SVG, the secret as
text), recovery codes shown once, and the user's own overview."""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token

from core.audit import log_action

from . import twofactor
from .forms import CodeForm

SETUP_DEVICE_KEY = "foljsam_two_factor_setup_device"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _throttled(device) -> bool:
    allowed, _data = device.verify_is_allowed()
    return not allowed


@login_required
def verify(request):
    """The second step after the password: a code from the app, or a recovery code."""
    next_url = _next_url(request)
    if not twofactor.pending(request):
        return HttpResponseRedirect(next_url)
    user = request.user
    device = twofactor.confirmed_device(user)
    if device is None:
        return HttpResponseRedirect(_with_next(reverse("accounts:two_factor_setup"), next_url))
    form = CodeForm(
        request.POST or None,
        help_text=_(
            "The six digits your authenticator app shows for Följsam now. Without your phone, "
            "use one of your recovery codes."
        ),
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        recovery = twofactor.recovery_device(user)
        if code.isdigit():
            candidate = device
        elif recovery is not None:
            candidate = recovery
        else:
            candidate = None
        if candidate is not None and _throttled(candidate):
            form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        elif candidate is not None and verify_token(user, candidate.persistent_id, code):
            otp_login(request, candidate)
            log_action(
                by=user,
                action="login",
                object_type="accounts.TwoFactor",
                object_id=user.pk,
                reason="recovery code" if candidate is recovery else "authenticator code",
            )
            return HttpResponseRedirect(next_url)
        else:
            log_action(
                by=None,
                action="login",
                object_type="accounts.TwoFactorFailure",
                object_id=user.pk,
                reason="wrong two-factor code",
            )
            form.add_error("code", _("The code is not right. Check it and try again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG, drawn here: no script, no image request."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    label = escape(_("QR code for your authenticator app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr-code" ', 1)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def setup(request):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code,
    then see the recovery codes once. Replacing an app needs a session that gave its code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    next_url = _next_url(request)
    if twofactor.confirmed_device(user) is not None and not twofactor.is_verified(request):
        return HttpResponseRedirect(_with_next(reverse("accounts:two_factor_verify"), next_url))
    device = TOTPDevice.objects.filter(
        user=user, confirmed=False, pk=request.session.get(SETUP_DEVICE_KEY)
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=twofactor.TOTP_DEVICE_NAME, confirmed=False
        )
        request.session[SETUP_DEVICE_KEY] = device.pk
    form = CodeForm(
        request.POST or None,
        help_text=_("The six digits the app shows for Följsam after you added it."),
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if _throttled(device):
            form.add_error("code", _("Too many wrong codes in a row. Wait a minute and try again."))
        elif code.isdigit() and verify_token(user, device.persistent_id, code):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = twofactor.new_recovery_codes(user)
            otp_login(request, device)
            request.session.pop(SETUP_DEVICE_KEY, None)
            log_action(by=user, action="create", obj=device, object_type="otp_totp.TOTPDevice")
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": next_url, "first_time": True},
            )
        else:
            form.add_error(
                "code",
                _("The code is not right. Check that the app shows Följsam, and try again."),
            )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (drawn here from our own URL)
        "secret": _grouped(secret),
        "replacing": twofactor.confirmed_device(user) is not None,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def overview(request):
    """The user's own two-factor page (user menu): set up or not, recovery codes left."""
    user = request.user
    recovery = twofactor.recovery_device(user)
    context = {
        "device": twofactor.confirmed_device(user),
        "required": twofactor.required_for(user),
        "verified": twofactor.is_verified(request),
        "codes_left": recovery.token_set.count() if recovery else 0,
        "by_provider": bool(request.session.get(twofactor.BY_PROVIDER_KEY)),
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    user = request.user
    if twofactor.confirmed_device(user) is None or not twofactor.is_verified(request):
        raise PermissionDenied
    codes = twofactor.new_recovery_codes(user)
    log_action(
        by=user,
        action="change",
        object_type="otp_static.StaticDevice",
        object_id=twofactor.recovery_device(user).pk,
        reason="new recovery codes",
    )
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:two_factor"), "first_time": False},
    )
