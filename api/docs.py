"""The API's documentation page, read from its own OpenAPI schema so the two never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class Field:
    name: str
    where: str  # path, query, header, or body
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    parameters: tuple[Field, ...]
    body: tuple[Field, ...]
    responses: tuple[tuple[str, str], ...]  # (status code, what it means)


@dataclass(frozen=True)
class Section:
    name: str
    operations: tuple[Operation, ...]


@cache
def schema() -> dict:
    """The OpenAPI document, built once per process: it changes only with the code."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(spec: dict, components: dict) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "allOf" in spec:
        return " and ".join(_type(part, components) for part in spec["allOf"])
    if "oneOf" in spec:
        return " or ".join(_type(part, components) for part in spec["oneOf"])
    if spec.get("type") == "array":
        return f"list of {_type(spec.get('items', {}), components)}"
    kind = spec.get("format") or spec.get("type") or "object"
    if "enum" in spec:
        kind = f"one of {', '.join(str(value) for value in spec['enum'] if value)}"
    return f"{kind} or null" if spec.get("nullable") else kind


def _body(operation: dict, components: dict) -> tuple[Field, ...]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return ()
    spec = content["schema"]
    if "$ref" in spec:
        spec = components[spec["$ref"].rsplit("/", 1)[-1]]
    required = set(spec.get("required", ()))
    return tuple(
        Field(
            name, "body", _type(field, components), name in required, field.get("description", "")
        )
        for name, field in spec.get("properties", {}).items()
    )


def _response(response: dict, components: dict) -> str:
    """What a response carries: its description, and the shape of its body."""
    shapes = [
        f"{kind}: {_type(content.get('schema', {}), components)}"
        for kind, content in response.get("content", {}).items()
    ]
    return "; ".join(part for part in (response.get("description", ""), *shapes) if part)


def sections() -> tuple[Section, ...]:
    """Every operation, grouped by its tag, in the schema's order."""
    document = schema()
    components = document.get("components", {}).get("schemas", {})
    grouped: dict[str, list[Operation]] = {}
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            grouped.setdefault(operation.get("tags", ["other"])[0], []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    anchor=operation["operationId"],
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=tuple(
                        Field(
                            parameter["name"],
                            parameter["in"],
                            _type(parameter.get("schema", {}), components),
                            parameter.get("required", False),
                            parameter.get("description", ""),
                        )
                        for parameter in operation.get("parameters", ())
                    ),
                    body=_body(operation, components),
                    responses=tuple(
                        (code, _response(response, components))
                        for code, response in operation.get("responses", {}).items()
                    ),
                )
            )
    return tuple(Section(name, tuple(operations)) for name, operations in grouped.items())
