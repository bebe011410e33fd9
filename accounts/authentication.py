"""The REST API's session authentication, for a session that has done its second step only.

A logged-in browser may read the API with its session (the browsable API); a session still
waiting for its two-factor code is treated as no session at all. Bearer tokens are another
authenticator (api/authentication.py) and are not affected.
"""

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication

from . import twofactor


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None or twofactor.pending(request._request):
            return None
        return result


class VerifiedSessionScheme(SessionScheme):
    """The API's schema describes it as the login-session cookie, as it did before."""

    target_class = "accounts.authentication.VerifiedSessionAuthentication"
