"""The OpenAPI schema: drf-spectacular's, with the error answers every operation can give.
(Served by api/schema_view.py, which makes it once per language.)"""

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "`detail` for 401, 403, 404, 413 and a body that is not JSON; otherwise one key per "
        "field or parameter (or `non_field_errors`) with a list of messages."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


class ApiAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None or not self.path.startswith("/api/v1/"):
            return operation
        responses = operation.setdefault("responses", {})
        parameters = {p["name"] for p in operation.get("parameters", [])}
        if self.method != "GET" or parameters & {"changed_since", "page_size", "cursor"}:
            responses.setdefault("400", _error("Bad input: the keys name the fields."))
        if self.method != "GET":
            responses.setdefault(
                "413", _error("The body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.")
            )
        responses.setdefault("401", _error("No token, or an unknown, revoked or expired one."))
        responses.setdefault("403", _error("The token's scope or your role does not allow it."))
        if "{project_id}" in self.path:
            responses.setdefault("404", _error("Not found, or not visible to you."))
        return operation


def add_error_component(result, generator, request, public):
    """Postprocessing hook: the Error object the error answers refer to."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    return result
