"""Validate JSON against LINE's official OpenAPI schemas, following `discriminator` mappings.

JSON Schema has no `discriminator`; OpenAPI uses it to say "a Message of type flex is a
FlexMessage". Without following it, a wrong flex bubble would pass as a plain Message.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "line-openapi"
_busy = threading.local()


def _discriminator(validator: Any, discriminator: dict[str, Any], instance: Any, schema: Any):  # type: ignore[no-untyped-def]
    if not isinstance(instance, dict):
        return
    target = discriminator.get("mapping", {}).get(instance.get(discriminator["propertyName"]))
    if target is None:
        return
    seen: set[tuple[int, str]] = getattr(_busy, "seen", set())
    _busy.seen = seen
    key = (id(instance), target)
    if key in seen:
        return
    seen.add(key)
    try:
        yield from validator.descend(instance, {"$ref": target})
    finally:
        seen.discard(key)


OpenApiValidator = validators.extend(Draft4Validator, {"discriminator": _discriminator})


@cache
def registry(spec: str) -> tuple[Registry, str]:
    document = yaml.safe_load((SPECS / spec).read_text())
    uri = f"urn:line:{spec}"
    resource = Resource.from_contents(document, default_specification=DRAFT4)
    return Registry().with_resource(uri, resource), uri


def errors(spec: str, schema_name: str, instance: Any) -> list[str]:
    """Every way `instance` breaks `#/components/schemas/<schema_name>` of `spec`."""
    reg, uri = registry(spec)
    validator = OpenApiValidator({"$ref": f"{uri}#/components/schemas/{schema_name}"}, registry=reg)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]
