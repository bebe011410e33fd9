"""The personal link of an invitation: signed, expiring, single-use, no login.

The link is /s/<language>/<token>/ where the token is the invitation's id and a random nonce,
signed with the site's secret (django.core.signing, its own salt). Nothing personal is in it.
Sending a new link draws a new nonce, so every earlier link of the invitation stops working.
Whether a link still works is decided here, on the product's clock (core.clock):

- invalid: the signature does not verify, or the nonce is not the invitation's current one;
- used: the invitation has been answered (by the link, or typed in by staff);
- expired: the day is after the invitation's `expires_on`;
- open: anything else.
"""

import secrets
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from core.clock import today

from .catalogue import LANGUAGES
from .models import Invitation

SALT = "surveys.invitation-link"

OPEN, USED, EXPIRED, INVALID = "open", "used", "expired", "invalid"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT, compress=False)


def path_for(invitation: Invitation, language: str | None = None) -> str:
    language = language if language in LANGUAGES else invitation.language
    return reverse(
        "survey_link:answer", kwargs={"language": language, "token": token_for(invitation)}
    )


def url_for(invitation: Invitation, language: str | None = None) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path_for(invitation, language)


@dataclass
class Checked:
    state: str
    invitation: Invitation | None = None


def check(token: str) -> Checked:
    """What the token opens. Never raises: a token that does not verify is INVALID."""
    try:
        payload = signing.loads(token, salt=SALT)
        pk, nonce = int(payload["i"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Checked(INVALID)
    invitation = (
        Invitation.objects.select_related(
            "questionnaire", "enrolment__participant", "enrolment__project"
        )
        .filter(pk=pk)
        .first()
    )
    if invitation is None or not invitation.nonce or invitation.nonce != nonce:
        return Checked(INVALID)
    if invitation.answered_on is not None:
        return Checked(USED, invitation)
    if invitation.expires_on is None or invitation.expires_on < today():
        return Checked(EXPIRED, invitation)
    return Checked(OPEN, invitation)
