"""Rails/Rack request parameters: bracket keys to nested dicts and lists (canvas-rest.md §0.1).

Query string and form body are merged (body wins), on every method including DELETE. The raw
pairs are parsed in order, because Rack's "array of hashes" rule (``a[][x]=1&a[][y]=2&a[][x]=3``
→ ``[{x:1, y:2}, {x:3}]``) depends on it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from flask import g, request

from ctom_lti.sandbox.rest import errors

Params = dict[str, Any]

_NAME = re.compile(r"\A[\[\]]*([^\[\]]+)\]*")
_ARRAY_OF_HASH = re.compile(r"\A\[\]\[([^\[\]]+)\]\Z")
_ARRAY_NESTED = re.compile(r"\A\[\](.+)\Z")
_MAX_DEPTH = 32
_ISO8601 = re.compile(
    r"\A\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\Z"
)


class ParameterTypeError(ValueError):
    """A key used both as a scalar and as a hash/array (Rack refuses these)."""


def parse_pairs(pairs: list[tuple[str, str]]) -> Params:
    params: Params = {}
    for name, value in pairs:
        _normalize(params, name, value, _MAX_DEPTH)
    return params


def _normalize(params: Params, name: str, value: Any, depth: int) -> Params:
    if depth <= 0:
        raise ParameterTypeError("parameters nested too deeply")
    match = _NAME.match(name)
    if not match:
        return params
    key = match.group(1)
    after = name[match.end() :]
    if after == "":
        params[key] = value
    elif after == "[":
        params[name] = value
    elif after == "[]":
        lst = params.setdefault(key, [])
        if not isinstance(lst, list):
            raise ParameterTypeError(f"expected an array for parameter {key!r}")
        lst.append(value)
    elif (m := _ARRAY_OF_HASH.match(after)) or (m := _ARRAY_NESTED.match(after)):
        child = m.group(1)
        lst = params.setdefault(key, [])
        if not isinstance(lst, list):
            raise ParameterTypeError(f"expected an array for parameter {key!r}")
        if lst and isinstance(lst[-1], dict) and not _has_key(lst[-1], child):
            _normalize(lst[-1], child, value, depth - 1)
        else:
            lst.append(_normalize({}, child, value, depth - 1))
    else:
        sub = params.setdefault(key, {})
        if not isinstance(sub, dict):
            raise ParameterTypeError(f"expected a hash for parameter {key!r}")
        params[key] = _normalize(sub, after, value, depth - 1)
    return params


def _has_key(params: Params, key: str) -> bool:
    if re.search(r"\[\]", key):
        return False
    node: Any = params
    for part in [p for p in re.split(r"[\[\]]+", key) if p]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def raw_query_pairs() -> list[tuple[str, str]]:
    return parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)


def params() -> Params:
    """The merged, nested parameters of the current request (parsed once per request)."""
    cached: Params | None = g.get("_canvas_params")
    if cached is not None:
        return cached
    json_body: Any = None
    try:
        pairs = raw_query_pairs()
        if request.mimetype == "application/x-www-form-urlencoded":
            pairs += parse_qsl(request.get_data(as_text=True), keep_blank_values=True)
        elif request.mimetype == "multipart/form-data":
            pairs += list(request.form.items(multi=True))
        elif request.mimetype == "application/json":
            json_body = request.get_json(silent=True)
        merged = parse_pairs(pairs)
    except (ParameterTypeError, UnicodeDecodeError) as exc:
        raise errors.message(f"Invalid parameters: {exc}") from exc
    if isinstance(json_body, dict):
        merged.update(json_body)
    g._canvas_params = merged
    return merged


# --- typed accessors: Canvas is lenient with types, so bad values become 400s, not 500s --------


def section(p: Params, key: str) -> Params:
    """``p[key]`` as a hash (missing → empty); a scalar there is a 400."""
    value = p.get(key)
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise errors.message(f"{key} must be a hash of parameters, e.g. {key}[name]=...")
    return value


def to_bool(value: Any) -> bool:
    """Rails's ``value_to_boolean``: true, "true", "1", "on", "yes" (any case) are true."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "on", "yes", "t"}


def opt_bool(p: Params, key: str) -> bool | None:
    return None if key not in p else to_bool(p[key])


def to_int(value: Any, name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise errors.message(f"{name} must be an integer, got {value!r}") from None


def opt_int(p: Params, key: str, name: str | None = None) -> int | None:
    value = p.get(key)
    if value is None or value == "":
        return None
    return to_int(value, name or key)


def opt_float(p: Params, key: str, name: str | None = None) -> float | None:
    value = p.get(key)
    if value is None or value == "":
        return None
    try:
        return float(str(value).strip())
    except ValueError:
        raise errors.message(f"{name or key} must be a number, got {value!r}") from None


def opt_str(p: Params, key: str) -> str | None:
    value = p.get(key)
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise errors.message(f"{key} must be a single value")
    return str(value)


def parse_time(value: Any, name: str) -> datetime | None:
    """ISO-8601 in, aware UTC out; ``""`` clears the field. Naive times are taken as UTC
    (Canvas would use the user's time zone; canvasapi sends naive ``isoformat()`` for naive
    datetimes, so callers should send aware ones)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not _ISO8601.match(text):
        raise errors.model_errors(
            {name: [f"Invalid datetime for {name.rsplit('[', maxsplit=1)[-1].rstrip(']')}"]}
        )
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise errors.model_errors({name: ["Invalid datetime"]}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def str_list(value: Any) -> list[str]:
    """A parameter that should be an array (``x[]=a&x[]=b``); a single value becomes [value]."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v) for v in value if not isinstance(v, dict | list)]
    if isinstance(value, dict):
        # Rails also accepts x[0]=a&x[1]=b
        return [str(v) for _, v in sorted(value.items())]
    return [str(value)]
