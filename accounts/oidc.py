"""Optional sign-in through a municipality's identity provider (OpenID Connect,
mozilla-django-oidc), configured only from the environment (README, "Settings"). Without
OIDC_RP_CLIENT_ID nothing of it is active: its two URLs answer 404 and the login page shows no
button.

Only existing, active accounts are matched — by e-mail (OIDC_MATCH=email, the default) or by
user name from the claim OIDC_USERNAME_CLAIM (OIDC_MATCH=username). An account is never created:
a person the provider knows but Följsam does not gets the login page with a message. With
OIDC_COUNTS_AS_TWO_FACTOR the provider's own multi-factor login counts as the second factor
(accounts/signals.py marks the session).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class ExistingAccountBackend(OIDCAuthenticationBackend):
    """Matches the provider's claims to one existing account, never creates one."""

    def filter_users_by_claims(self, claims):
        users = get_user_model().objects.filter(is_active=True)
        if settings.OIDC_MATCH == "username":
            username = claims.get(settings.OIDC_USERNAME_CLAIM)
            matched = users.filter(username=username) if username else users.none()
        else:
            email = claims.get("email")
            if not email or claims.get("email_verified") is False:
                return users.none()
            matched = users.filter(email__iexact=email)
        # Two accounts with one address: refuse rather than guess.
        return matched if len(matched) == 1 else users.none()

    def verify_claims(self, claims):
        if settings.OIDC_MATCH == "username":
            return bool(claims.get(settings.OIDC_USERNAME_CLAIM))
        return bool(claims.get("email"))

    def create_user(self, claims):
        return None

    def update_user(self, user, claims):
        return user


def _enabled():
    if not getattr(settings, "OIDC_ENABLED", False):
        raise Http404


class StartView(OIDCAuthenticationRequestView):
    """Off to the identity provider. The callback URL is always the one without a language
    prefix, the one registered with the provider."""

    def get(self, request):
        with translation.override(settings.LANGUAGE_CODE):
            return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        with translation.override(settings.LANGUAGE_CODE):
            return super().get(request)

    @property
    def failure_url(self):
        return reverse("accounts:login")

    def login_failure(self):
        messages.error(
            self.request,
            _(
                "The identity provider did not log you in to an account in Följsam. Ask your "
                "project manager to check the e-mail address of your account."
            ),
        )
        return super().login_failure()


def start(request):
    _enabled()
    return StartView.as_view()(request)


def callback(request):
    _enabled()
    return CallbackView.as_view()(request)
