"""/api/docs/: the API reference, drawn on the server from the same OpenAPI schema as
/api/schema/ — no JavaScript and no CDN (the machine may be offline). Each GET endpoint links to
DRF's browsable API, where a logged-in user can try it (reading only)."""

from django.shortcuts import render

from .schema_view import openapi_schema

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_schema_name(schema.get('items', {}))}]"
    return schema.get("type", "")


def _describe_type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema or "oneOf" in schema:
        return " | ".join(_describe_type(part) for part in schema.get("allOf", schema.get("oneOf")))
    kind = schema.get("type", "")
    if kind == "array":
        return f"array of {_describe_type(schema.get('items', {}))}"
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("enum"):
        kind = f"{kind}: " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
    if schema.get("nullable"):
        kind += ", nullable"
    return kind


def api_docs(request):
    schema = openapi_schema()
    sections: dict[str, list] = {}
    for url, item in schema.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if not operation:
                continue
            tag = (operation.get("tags") or ["api"])[0]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = [
                {
                    "status": code,
                    "schema": _schema_name(
                        response.get("content", {}).get("application/json", {}).get("schema", {})
                    ),
                    "description": response.get("description", ""),
                }
                for code, response in operation.get("responses", {}).items()
            ]
            sections.setdefault(tag, []).append(
                {
                    "method": method.upper(),
                    "url": url,
                    "id": operation.get("operationId", ""),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _describe_type(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _schema_name(body.get("schema", {})),
                    "responses": responses,
                    "try": method == "get" and "{" not in url,
                }
            )
    components = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        components.append(
            {
                "name": name,
                "description": component.get("description", ""),
                "properties": [
                    {
                        "name": prop,
                        "type": _describe_type(spec),
                        "required": prop in required,
                        "read_only": spec.get("readOnly", False),
                        "description": spec.get("description", ""),
                    }
                    for prop, spec in component.get("properties", {}).items()
                ],
                "enum": [v for v in component.get("enum", []) if v not in ("", None)],
            }
        )
    return render(
        request,
        "api/docs.html",
        {"info": schema.get("info", {}), "sections": sections, "components": components},
    )
