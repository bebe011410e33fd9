import uuid

from .audit import reset_request_id, set_request_id


class RequestIdMiddleware:
    """Gives every request an id that its audit entries carry (and the response header shows),
    so one user action can be traced across entries without logging personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4()
        token = set_request_id(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = str(request.request_id)
        return response
