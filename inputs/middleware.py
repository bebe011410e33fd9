"""A double submit of any form saves once.

Every POST of a form by a signed-in user is known by a fingerprint: an HMAC (SECRET_KEY) of the
user, their session (a double click happens in one session; signing in again starts another),
the address and the fields sent (the CSRF token left out, as it may differ between two
tabs). The first post claims the fingerprint in the Submission
table (a unique column, so two concurrent posts cannot both claim it, on SQLite or PostgreSQL)
and is handled as usual. An identical post while it runs waits for it, and within
DOUBLE_SUBMIT_SECONDS after it is answered with its result instead of being handled again:

- the first post answered with a redirect (saved, POST–redirect–GET): the same redirect;
- the first post was an htmx request: 204 No Content (htmx keeps what the first answer made).
  Only posts that arrive while it runs are its duplicates: its answer replaces the form, so a
  later identical post is a new one (a step moved up twice);
- the first post is still running after DOUBLE_SUBMIT_WAIT_SECONDS: back to the page the form
  was on.

A post that did not save (a form with errors shown again, a refusal, an error) gives its claim
back, so sending it again is handled again. The REST API (/api/v1/, bearer tokens) is not
guarded here: its writes are refused twice by their own unique constraints.
"""

import datetime as dt
import hashlib
import hmac
import json
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from core import clock

from .models import Submission

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
IGNORED_FIELDS = {"csrfmiddlewaretoken"}
REDIRECTS = {301, 302, 303, 307, 308}
# A claim whose request never finished (its process died) is taken over after this long.
ABANDONED = dt.timedelta(minutes=10)
PRUNE_AFTER = dt.timedelta(hours=1)


def window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "DOUBLE_SUBMIT_SECONDS", 10))


def wait_seconds() -> float:
    return getattr(settings, "DOUBLE_SUBMIT_WAIT_SECONDS", 30)


def fingerprint(request) -> str:
    fields = sorted(
        (name, values) for name, values in request.POST.lists() if name not in IGNORED_FIELDS
    )
    files = sorted(
        (name, [(f.name, f.size) for f in uploaded]) for name, uploaded in request.FILES.lists()
    )
    session = getattr(request, "session", None)
    session_key = session.session_key if session is not None else None
    message = json.dumps(
        [request.user.pk, session_key, request.path, fields, files], ensure_ascii=False
    )
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def claim(key: str) -> Submission | None:
    """None if this request now holds the fingerprint; else the earlier post that holds it."""
    # Real elapsed time, not the product's date: a demo's fixed day must not keep a post's claim
    # alive (or stale) across real midnight.
    now = clock.real_now()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                Submission.objects.create(key=key, created_at=now)
            Submission.objects.filter(created_at__lt=now - PRUNE_AFTER).delete()
            return None
        except IntegrityError:
            pass
        stale = (
            Q(finished=True, htmx=True)
            | Q(finished=True, created_at__lt=now - window())
            | Q(finished=False, created_at__lt=now - ABANDONED)
        )
        if Submission.objects.filter(stale, key=key).update(
            created_at=now, finished=False, location="", htmx=False
        ):
            return None
        earlier = Submission.objects.filter(key=key).first()
        if earlier is not None:
            return earlier
    return None  # claimed and given back three times over: handle it


def finish(key: str, request, response) -> None:
    claimed = Submission.objects.filter(key=key, finished=False)
    if response.status_code in REDIRECTS:
        claimed.update(finished=True, location=response.get("Location", "")[:2000])
    elif 200 <= response.status_code < 300 and request.headers.get("HX-Request"):
        claimed.update(finished=True, htmx=True)
    else:
        claimed.delete()  # not saved: a new post of the same form is handled again


class DoubleSubmitMiddleware:
    """Claims in process_view, after CsrfViewMiddleware has read the form, so the fields are
    never read before a view could choose its own upload handlers; a view exempt from CSRF
    (one that reads its upload itself, like the import) is not guarded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_double_submit_key", None)
        if key is not None:
            finish(key, request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._guarded(request, view_func):
            return None
        key = fingerprint(request)
        while (earlier := claim(key)) is not None:
            answer = self._answer_for_duplicate(request, earlier)
            if answer is not None:
                return answer
            # The earlier post gave its claim back (it did not save): handle this one.
        request._double_submit_key = key
        return None

    @staticmethod
    def _guarded(request, view_func) -> bool:
        return (
            request.method == "POST"
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not request.path.startswith("/api/v1/")
            and not getattr(view_func, "csrf_exempt", False)
            and (request.content_type or "") in FORM_TYPES
        )

    def _answer_for_duplicate(self, request, earlier: Submission):
        deadline = time.monotonic() + wait_seconds()
        row = earlier
        while not row.finished and time.monotonic() < deadline:
            time.sleep(0.05)
            row = Submission.objects.filter(pk=earlier.pk).first()
            if row is None:
                return None
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204)
        if row.finished and row.location:
            return HttpResponseRedirect(row.location)
        referer = request.headers.get("Referer", "")
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(referer)
        return HttpResponseRedirect("/")
