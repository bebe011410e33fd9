"""Sign-in rules applied to every request of a logged-in session (docs/security.md):

- **Idle timeout**: a session with no request for settings.SESSION_IDLE_TIMEOUT seconds is
  logged out, and so is one older than settings.SESSION_COOKIE_AGE, whatever its activity. Both
  are measured on the real clock (core.clock.real_seconds), never the demo's date. The time of
  the last request is written to the session at most once a minute.
- **Two-factor step**: until a session that needs a second factor has given its code
  (accounts/twofactor.py), every page sends it to the code page (or, without an authenticator
  app yet, to setting one up) — except logging in and out, the language switch and the
  two-factor pages themselves. The REST API under /api/ answers as to no session at all
  (accounts/authentication.py); bearer tokens are unaffected.
- **A participant's survey link** (/s/, surveys/views_link.py) is no staff page: a staff session
  open in the same browser (a tablet at the office) that has timed out is ended without sending
  the participant to the login page, and one waiting for its second factor does not send them
  to the two-factor step. The link's pages show nothing of the staff's.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import ngettext

from core import clock

from . import twofactor
from .signals import LAST_ACTIVITY_KEY, SIGNED_IN_AT_KEY

ACTIVITY_RESOLUTION_SECONDS = 60
# Paths answered as to anyone, whatever the session (foljsam/urls.py).
SESSION_FREE_PATHS = ("/api/", "/s/")
# Views an unverified session may use.
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:language",
        "accounts:set_password",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:oidc_start",
        "accounts:oidc_callback",
    }
)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _redirect(request, url: str) -> HttpResponse:
    """To `url`; an htmx request is told to load it as a whole page."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(request, url: str) -> str:
    if request.method == "GET" and not _is_htmx(request):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class SignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._end_if_expired(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _end_if_expired(self, request):
        session = request.session
        now = clock.real_seconds()
        last = session.get(LAST_ACTIVITY_KEY)
        started = session.get(SIGNED_IN_AT_KEY)
        idle_limit = settings.SESSION_IDLE_TIMEOUT
        if last is not None and now - last > idle_limit:
            minutes = idle_limit // 60
            message = ngettext(
                "You were logged out after %(minutes)s minute without activity.",
                "You were logged out after %(minutes)s minutes without activity.",
                minutes,
            ) % {"minutes": minutes}
        elif started is not None and now - started > settings.SESSION_COOKIE_AGE:
            hours = settings.SESSION_COOKIE_AGE // 3600
            message = ngettext(
                "You were logged out: a login lasts at most %(hours)s hour.",
                "You were logged out: a login lasts at most %(hours)s hours.",
                hours,
            ) % {"hours": hours}
        else:
            if started is None:
                session[SIGNED_IN_AT_KEY] = now
            if last is None or now - last >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_ACTIVITY_KEY] = now
            return None
        logout(request)
        if request.path_info.startswith(SESSION_FREE_PATHS):
            return None  # the API and a survey link answer as to anyone without a session
        messages.info(request, message)
        return _redirect(request, _with_next(request, reverse(settings.LOGIN_URL)))

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or request.path_info.startswith(SESSION_FREE_PATHS):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        if not twofactor.pending(request):
            return None
        if twofactor.confirmed_device(request.user) is not None:
            target = reverse("accounts:two_factor_verify")
        else:
            target = reverse("accounts:two_factor_setup")
        return _redirect(request, _with_next(request, target))
