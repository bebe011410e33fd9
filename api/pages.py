"""The page where a user creates, lists and revokes their API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import TokenForm
from .models import ApiToken

NEW_TOKEN_KEY = "api_new_token"  # noqa: S105 - a session key, not a secret


@login_required
def token_list(request):
    """List the user's tokens; POST creates one. POST–redirect–GET: the new token's value waits
    in the session for the one page view that shows it, and is removed from there as it is
    shown (it is stored nowhere else, so it cannot be shown again)."""
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, value = services.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                by=request.user,
            )
            request.session[NEW_TOKEN_KEY] = value
            return redirect("api_tokens:list")
    else:
        form = TokenForm()
    new_token = request.session.pop(NEW_TOKEN_KEY, None)
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )
    if new_token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
