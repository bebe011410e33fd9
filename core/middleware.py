import uuid

from .audit import reset_actor, reset_request_id, set_actor, set_request_id


class RequestIdMiddleware:
    """Gives every request an id that its audit entries carry (and the response header shows),
    so one user action can be traced across entries without logging personal data; and makes
    the request's user the actor of changes audited by signals (core/audit_signals.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4()
        token = set_request_id(request.request_id)
        actor = set_actor(getattr(request, "user", None))
        try:
            response = self.get_response(request)
        finally:
            reset_actor(actor)
            reset_request_id(token)
        response["X-Request-ID"] = str(request.request_id)
        return response


class SecurityHeadersMiddleware:
    """Headers every answer of the application carries (static files are answered earlier, by
    WhiteNoise, and keep their long cache):

    - `Content-Security-Policy` (settings.CONTENT_SECURITY_POLICY): scripts only from Följsam's
      own origin — no inline script anywhere, htmx and static/js/foljsam.js are files;
    - `Cache-Control: no-store`: pages and API answers may be about people, and must not stay in
      a browser's or a proxy's cache after the user has logged out. A view that sets its own
      Cache-Control keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
