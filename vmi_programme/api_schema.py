"""The OpenAPI schema's view of each operation, with the error answers every endpoint gives.

drf-spectacular documents only the success answer. The one exception handler
(``vmi_programme.errors``) answers errors in one shape, so each operation documents them here
too, and a client (or a contract test) finds every status code it can receive in the schema:

- 400 ``{"<field>": ["message"], "non_field_errors": ["message"]}`` when the operation takes a
  body or query parameters;
- 401 and 403 ``{"detail": "message"}`` everywhere (signed out; not allowed);
- 404 ``{"detail": "message"}`` when the path names a record, and on a list (a page past the
  end);
- 409 ``{"detail": "...", "dependents": {"RPIWs": 3}}`` on a delete the database refuses;
- 415 ``{"detail": "message"}`` on a body in a media type the operation does not read;
- 429 ``{"detail": "message"}`` everywhere (throttled).
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_FIELD_ERRORS = {
    "type": "object",
    "description": "Each field's messages; messages about the whole record in non_field_errors.",
    "additionalProperties": {},
}
_BLOCKED_DELETE = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "dependents": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
    "required": ["detail"],
}


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema, documenting the error answers of the one exception handler."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        takes_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
        names_record = any(p.get("in") == "path" for p in operation.get("parameters", []))
        errors = {
            "401": _answer("Not signed in.", _DETAIL),
            "403": _answer("Not allowed.", _DETAIL),
            "429": _answer("Too many requests.", _DETAIL),
        }
        if self.method in ("POST", "PUT", "PATCH") or takes_query:
            errors["400"] = _answer("Invalid input: messages per field.", _FIELD_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors["415"] = _answer("A body in a media type the operation does not read.", _DETAIL)
        if names_record or self.method == "GET":
            errors["404"] = _answer("Not found, or not visible to you.", _DETAIL)
        if self.method == "DELETE":
            errors["409"] = _answer("Other records depend on this one.", _BLOCKED_DELETE)
        for code, answer in errors.items():
            responses.setdefault(code, answer)
        return operation
