"""/api/schema/ and the schema /api/docs/ draws: generated once per language and process, under a
lock, and served from there.

drf-spectacular's generation is not thread-safe: its extensions load their target classes lazily,
on the first generation, by writing class attributes another thread reads half-done, so
concurrent first requests failed with a 500. (Not in api/schema.py: DRF imports that module for
DEFAULT_SCHEMA_CLASS while drf_spectacular.views is still being imported.)
"""

import copy
import threading

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

_lock = threading.Lock()
_schemas: dict[str, dict] = {}


def openapi_schema() -> dict:
    """The schema in the active language (a copy: callers may change it)."""
    language = translation.get_language() or ""
    with _lock:
        if language not in _schemas:
            _schemas[language] = SchemaGenerator().get_schema(request=None, public=True)
        return copy.deepcopy(_schemas[language])


class SchemaView(SpectacularAPIView):
    """/api/schema/: for a logged-in user or a valid token (any scope)."""

    permission_classes = [IsAuthenticated]

    def _get_schema_response(self, request):
        filename = self._get_filename(request, None)
        return Response(
            data=openapi_schema(),
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
