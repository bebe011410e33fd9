from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST


@require_POST
def language(request):
    """Switch the interface language, remember it for a logged-in user, stay on the same page."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        code = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(translate_url(next_url, code))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax")
    return response


class LoginView(auth_views.LoginView):
    """Log in, then continue in the language the user chose last time."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Sign-in through the identity provider, when one is configured (accounts/oidc.py).
        if getattr(settings, "OIDC_ENABLED", False):
            context["oidc_provider"] = settings.OIDC_PROVIDER_NAME or _("your organisation")
        return context

    def get_success_url(self):
        user = self.request.user
        chosen = get_language()
        # Logging in on a page in another language than the default is a choice: keep it.
        if chosen != settings.LANGUAGE_CODE and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        return translate_url(super().get_success_url(), user.language)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A new user chooses their own password through the one-time link their project manager
    was shown when the account was made (core/views_settings.py). Django's password-reset
    token: the link stops working once a password is set, and after PASSWORD_RESET_TIMEOUT."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set. Log in with your user name and the new password."),
        )
        return response
