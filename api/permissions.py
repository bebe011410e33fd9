"""Scopes: a token with "read" may read, "write" may change. A browser session may only read."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiToken, Scope


def required_scope(request) -> str:
    return Scope.READ if request.method in permissions.SAFE_METHODS else Scope.WRITE


class HasTokenScope(permissions.BasePermission):
    message = _("Your token lacks the scope this request needs.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        scope = required_scope(request)
        if isinstance(request.auth, ApiToken):
            self.message = _("This token lacks the “%(scope)s” scope.") % {"scope": scope}
            return request.auth.has_scope(scope)
        # Logged in through the session (the browsable API): reading only.
        self.message = _("Changes through the API need a token with the “write” scope.")
        return scope == Scope.READ
