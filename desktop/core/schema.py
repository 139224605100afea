"""Checking entity mappings against data/schema/entity.schema.json.

The JSON Schema is the single statement of an entity file's shape: editors
use it while typing and the loader uses it here. jsonschema reports every
error with its path, which the loader turns into a line in the file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:
    import jsonschema


@dataclass(frozen=True)
class SchemaError:
    path: tuple[int | str, ...]  # from the entity mapping to the offending value
    message: str
    key_problem: bool  # an unknown key: reported, the key ignored, nothing else lost


_DATE_FIELDS = ("date", "start", "end")


def _where(path: tuple[int | str, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(error: jsonschema.ValidationError) -> str:
    where = _where(tuple(error.absolute_path))
    prefix = f"{where}: " if where else ""
    value = error.instance
    validator = error.validator
    if validator == "required":
        missing = [k for k in error.validator_value if k not in (value or {})]
        return f"{prefix}missing required key `{missing[0] if missing else '?'}`"
    if validator == "type":
        if isinstance(value, (dt.date, dt.datetime)):
            return f'{prefix}a date must be a quoted string, e.g. "{value.isoformat()}"'
        at = error.absolute_path[-1] if error.absolute_path else None
        if at in _DATE_FIELDS and isinstance(value, (int, float)) and not isinstance(value, bool):
            # `date: 2019` is read as a number
            return f'{prefix}a date must be a quoted string, e.g. "{value}"'
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        article = "an" if wanted[0] in "aeiou" else "a"
        return f"{prefix}must be {article} {wanted}, not {type(value).__name__} {_short(value)}"
    if validator == "pattern":
        return (
            f"{prefix}{_short(value)} is not a valid id (lowercase letters, digits and single hyphens)"
            if isinstance(value, str) and "-" in error.validator_value
            else f"{prefix}{_short(value)} does not match {error.validator_value}"
        )
    if validator == "minItems" and error.absolute_path and error.absolute_path[-1] == "claims":
        return f"{prefix}`claims` are for sources that disagree: give two or more, or the fact's value alone"
    if validator == "minItems" and error.absolute_path and error.absolute_path[-1] == "sources":
        return f"{prefix}a {'claim' if 'claims' in error.absolute_path else 'fact'} needs at least one source"
    if validator == "minItems" and error.absolute_path and str(error.absolute_path[-1]).endswith("_sources"):
        return f"{prefix}needs at least one source (or leave the key out)"
    if validator == "enum":
        return f"{prefix}{_short(value)} is not one of {', '.join(map(str, error.validator_value))}"
    if validator == "not":
        return f"{prefix}a fact has either `date` or `start`/`end`, not both"
    if validator == "dependencies":
        return f"{prefix}`value` and `unit` go together (a quantity needs its unit or currency)"
    if validator in ("maxLength", "minLength"):
        if validator == "maxLength":
            return f"{prefix}too long (limit {error.validator_value} characters)"
        return f"{prefix}must not be empty"
    return prefix + error.message[:200]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


@cache
def _entity_schema(schema_path: Path) -> dict:
    """The schema of one entity (the file's root also admits a list of them)."""
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    entity = dict(schema["definitions"]["entity"])
    entity["definitions"] = schema["definitions"]
    return entity


@cache
def _fast_check(schema_path: Path) -> Callable[[Any], Any]:
    # fastjsonschema compiles the schema to Python: about a hundred times faster than
    # jsonschema, but it stops at the first error. Valid entities (nearly all) pass here;
    # the rest go through jsonschema for the full list of errors with their paths. It only
    # says pass or fail, so it is given a schema that accepts exactly the same entities but
    # raises nothing on the way for a valid one, and builds no details into what it raises.
    definition = without_negations(_entity_schema(schema_path))
    code = fastjsonschema.compile_to_code(definition, detailed_exceptions=False)
    # The code names each list item for its error message as it goes, with `"…[{x}]".format(**locals())`:
    # a dict of the function's locals made for every fact and every citation, a third of the time
    # left. Errors are explained by jsonschema, not by this, so the item's name is not worked out.
    namespace: dict[str, Any] = {}
    exec(compile(_NAMED_ITEM.sub('(name_prefix or "data")', code), "<entity schema check>", "exec"), namespace)
    check = namespace.get("validate")
    if not callable(check):
        return fastjsonschema.compile(definition, detailed_exceptions=False)
    # The code checks each definition a `$ref` names with a function of its own, called by its global name.
    # Those of text (an id, a date) or of mappings of text (a citation) pass the same few thousand values
    # a hundred thousand times over in a large folder: each value they pass is let through at once after.
    definitions = definition.get("definitions")
    if isinstance(definitions, dict) and not _fills_defaults(definition):
        for name, part in definitions.items():
            function = namespace.get(f"validate___definitions_{name}")
            if callable(function) and _of_text(part, definitions, set()):
                namespace[f"validate___definitions_{name}"] = _remembering(function)
    return check


def _fills_defaults(schema: Any) -> bool:
    """Whether fastjsonschema would write a `default` into the data it checks: then each check must run."""
    if isinstance(schema, dict):
        return "default" in schema or any(_fills_defaults(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_fills_defaults(item) for item in schema)
    return False


def _of_text(schema: Any, definitions: dict[str, Any], seen: set[str]) -> bool:
    """Whether everything `schema` accepts is text, or a mapping of nothing but text to text."""
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix("#/definitions/")
        if ref == name or name in seen or name not in definitions:
            return False
        return _of_text(definitions[name], definitions, seen | {name})
    if schema.get("type") == "string":
        return True
    properties = schema.get("properties")
    return (
        schema.get("type") == "object"
        and schema.get("additionalProperties") is False
        and isinstance(properties, dict)
        and "patternProperties" not in schema
        and all(_of_text(value, definitions, seen) for value in properties.values())
    )


# How many values each such check lets through unchecked at most (the ids of 100,000 entities fit).
_REMEMBERED = 250_000


def _remembering(check: Callable[..., Any]) -> Callable[..., Any]:
    """`check`, for a definition `_of_text`, passing a value it has passed before without checking it again.

    Only values it passed are kept, so only text and tuples of pairs of text: a value that is not text
    (1, True) never equals one of them, and a mapping goes by its pairs, in order.
    """
    passed: set[Any] = set()

    def remembering(data: Any, custom_formats: Any = None, name_prefix: Any = None) -> Any:
        try:
            key = tuple(data.items()) if type(data) is dict else data
            if key in passed:
                return data
        except TypeError:  # not hashable: a list, or a mapping holding one
            key = None
        check(data, custom_formats if custom_formats is not None else {}, name_prefix)
        if key is not None and len(passed) < _REMEMBERED:
            passed.add(key)
        return data

    return remembering


# fastjsonschema's name for a value inside a list, built only for the message of an error (see `_fast_check`)
_NAMED_ITEM = re.compile(r'\(name_prefix or "data"\) \+ "[^"\n]*"\.format\(\*\*locals\(\)\)')


def without_negations(schema: Any) -> Any:
    """`schema` with each `not: {required: […]}` and `if: {not: {required: [k]}}, then: …` said another way.

    fastjsonschema checks a `not` by running its schema and catching the exception it raises when
    that fails, which for `not: {required: [date, start]}` is nearly every fact: two exceptions
    raised and caught per fact, about a third of the time of the whole check. The same rules
    said positively accept exactly what they did and raise nothing for a valid fact:

    - on an object, `not: {required: [a, b, …]}` (not all present) is `dependencies: {a: {not:
      {required: [b, …]}}}`, down to `not: {required: [k]}`, which is `properties: {k: false}`;
    - `if: {not: {required: [k]}}, then: T` (without `else`) is `anyOf: [T, {required: [k]}]`.
    """
    if isinstance(schema, list):
        return [without_negations(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: without_negations(value) for key, value in schema.items()}
    extra: list[dict[str, Any]] = []
    negated = out.get("not")
    if out.get("type") == "object" and isinstance(negated, dict) and _only_required(negated):
        del out["not"]
        extra.append(_none_of_all(negated["required"]))
    condition = out.get("if")
    if "else" not in out and "then" in out and isinstance(condition, dict) and set(condition) == {"not"}:
        inner = condition["not"]
        if _only_required(inner):
            extra.append({"anyOf": [out.pop("then"), {"required": inner["required"]}]})
            del out["if"]
    if extra:
        existing = out.get("allOf", [])
        if not isinstance(existing, list):
            return {key: without_negations(value) for key, value in schema.items()}  # malformed: left as it is
        out["allOf"] = [*existing, *extra]
    return out


def _only_required(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and set(schema) == {"required"}
        and isinstance(schema["required"], list)
        and len(schema["required"]) > 0
        and all(isinstance(key, str) for key in schema["required"])
    )


def _none_of_all(keys: list[str]) -> dict[str, Any]:
    """A schema for an object that lacks at least one of `keys`, with no `not` in it."""
    if len(keys) == 1:
        return {"properties": {keys[0]: False}}
    return {"dependencies": {keys[0]: _none_of_all(keys[1:])}}


@cache
def _validator(schema_path: Path) -> jsonschema.Draft7Validator:
    import jsonschema  # only for an entity that breaks the schema: few runs need it at all

    return jsonschema.Draft7Validator(_entity_schema(schema_path))


def passes(schema_path: Path, entity: Any) -> bool:
    """Whether `entity` meets the schema: the quick check alone, for a reader that goes the long way
    (`check_entity`) with whatever does not."""
    try:
        _fast_check(schema_path)(entity)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def check_entity(schema_path: Path, entity: Any) -> Iterator[SchemaError]:
    """Every way `entity` breaks the schema, unknown keys listed one by one."""
    try:
        _fast_check(schema_path)(entity)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    validator = _validator(schema_path)
    for error in validator.iter_errors(entity):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties":
            allowed = error.schema.get("properties", {})
            for key in error.instance:
                if key not in allowed:
                    where = _where(path)
                    yield SchemaError((*path, key), f"{where + ': ' if where else ''}unknown key `{key}`", True)
            continue
        if error.validator == "not" and not isinstance(error.instance, dict):
            continue  # `not: required` holds for anything but a mapping; its type error says what is wrong
        yield SchemaError(path, _describe(error), False)
