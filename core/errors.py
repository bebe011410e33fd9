"""The product's own error pages (foljsam/urls.py names them as Django's handlers).

404 and 403 are Django's own handlers: they render templates/404.html and 403.html with the
request, so those pages have the header, the language switch and the demo banner. A bad request
(400) and a server error (500) are rendered here without the request's context: a 500 may come
from the database or a context processor failing, and a 400 from a request whose host or headers
cannot be trusted. Both use templates/error_base.html, in the language of the URL's prefix
(`/en/...` English, no prefix Swedish), with a link home that needs nothing but the URLconf.
A refused form (CSRF) is Django's own view, which renders templates/403_csrf.html with the request.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token


def _language(request) -> str:
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _plain(request, template_name: str) -> str:
    language = _language(request)
    with translation.override(language):
        try:
            home = reverse("core:home")
        except Exception:  # noqa: BLE001 (an error page must render whatever is broken)
            home = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
        context = {
            "home_url": home,
            "DEMO_MODE": settings.DEMO_MODE,
            "FIXED_TODAY": settings.FOLJSAM_TODAY,
        }
        return loader.get_template(template_name).render(context)


@requires_csrf_token
def bad_request(request, exception=None):
    return HttpResponseBadRequest(_plain(request, "400.html"))


@requires_csrf_token
def server_error(request):
    return HttpResponseServerError(_plain(request, "500.html"))
