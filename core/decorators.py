"""@project_view: resolve the project from the URL, check the membership, set the context."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Membership
from .purpose import PurposeRequired


def project_view(capability: str):
    """Wrap a view taking `project_id`. A project the user has no membership in is a 404 (its
    existence is not revealed); a membership without the capability is a 403 — except on a
    page about one person (its URL names an `enrolment_id`), where it is a 404 too: someone who
    may not see participants learns nothing about whether that person exists. The view gets
    `request.membership` and `request.project`. A person page that needs the reader's purpose
    first (core/purpose.py) raises PurposeRequired, answered here with the question.

    The wrapper carries its rule as `access_rule = ("project", capability)`, so that
    tests/test_url_roles.py can read from the URL resolver what every page promises."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, project_id, *args, **kwargs):
            membership = (
                Membership.objects.select_related("project", "organisation")
                .filter(user=request.user, project_id=project_id)
                .first()
            )
            if membership is None:
                raise Http404
            if not membership.has_capability(capability):
                if "enrolment_id" in kwargs:
                    raise Http404
                raise PermissionDenied
            request.membership = membership
            request.project = membership.project
            try:
                return view(request, *args, **kwargs)
            except PurposeRequired as needed:  # a person outside one's caseload: why? first
                return needed.respond(request)

        wrapper.access_rule = ("project", capability)
        return wrapper

    return decorator
