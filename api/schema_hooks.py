"""drf-spectacular postprocessing: the error answers every operation can give, declared once.

401 (no valid token), 403 (the role may not), 404 (no such record at the user's sites, no stored result, or a
cursor that is no position), 429 (throttled) everywhere; 400 where the operation reads query parameters or a
body (the messages name the parameter or field).
"""

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages by field or parameter name (non_field_errors: the record as a whole).",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _answer(description: str, *refs: str) -> dict:
    schema = {"$ref": refs[0]} if len(refs) == 1 else {"anyOf": [{"$ref": ref} for ref in refs]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_error_responses(result: dict, generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = DETAIL
    schemas["FieldErrors"] = FIELD_ERRORS
    detail, errors = "#/components/schemas/ErrorDetail", "#/components/schemas/FieldErrors"
    for _path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", _answer("No valid API token (missing, unknown, expired or revoked)", detail))
            responses.setdefault("403", _answer("Your role may not do this", detail))
            responses.setdefault("429", _answer("Too many requests with this token: wait and retry", detail))
            responses.setdefault("404", _answer("Not found: no such record at your sites, or a bad cursor", detail))
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(
                    "400", _answer("Bad input: messages by field or parameter (a body that is no JSON: detail)",
                                   errors, detail),
                )
    return result
