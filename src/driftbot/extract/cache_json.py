"""Typed values as JSON for the per-file cache, checked against their type when read back.

A reader's result (`extract.scan.FileReader.read`) is a tree of frozen dataclasses over `str`, `int`,
`bool`, None, `datetime`, `Literal`s, tuples and frozensets; its return annotation is the type.
`encode` writes a dataclass as the list of its field values and a `Location` in the cached file as
`[line, column]` (the path is the entry's). `decode(kind, data, path)` rebuilds the value and checks
every part against the annotation: the cache may come from an untrusted run (a restored
`actions/cache`), so anything of another shape raises `Mismatch`, which the cache treats as a miss.
JSON only: nothing read can name a type or code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable
from typing import Any

from driftbot.ftypes import Location

Json = Any  # what json.loads returns
Decoder = Callable[[Json, str], Any]


class Mismatch(ValueError):
    """The data is not of the type asked for."""


class Unsupported(TypeError):
    """A type this module cannot write: the result is not cached."""


def encode(value: object, path: str) -> Json:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, Location):
        return [value.line, value.column] if value.path == path else [value.path, value.line, value.column]
    if isinstance(value, tuple):
        return [encode(v, path) for v in value]
    if isinstance(value, frozenset):
        return sorted((encode(v, path) for v in value), key=repr)  # the same bytes for the same set
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, f.name), path) for f in dataclasses.fields(value)]
    raise Unsupported(type(value).__name__)


def decode(kind: object, data: Json, path: str) -> Any:
    """`data` read back as a value of type `kind`; `Mismatch` when it is not one. `kind` is checked by `decoder`."""
    return decoder(kind)(data, path)


def decoder(kind: object) -> Decoder:
    """The decoder of values of type `kind`; `Unsupported` for a type `encode` does not write."""
    return _compiled(kind)[0]


@functools.cache
def _compiled(kind: object) -> tuple[Decoder, type]:
    """`kind`'s decoder, and the type of the JSON value it reads (what a union dispatches on)."""
    if kind is type(None) or kind in (str, int, bool):
        return _exact(kind), kind
    if kind is Location:
        return _location, list
    if kind is dt.datetime:
        return _datetime, dict
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Literal and args and all(type(a) is type(args[0]) for a in args):
        return functools.partial(_literal, frozenset(args)), type(args[0])
    if origin in (types.UnionType, typing.Union):
        by_json: dict[type, list[Decoder]] = {}
        for arm in args:
            decode_arm, json_type = _compiled(arm)
            by_json.setdefault(json_type, []).append(decode_arm)
        return functools.partial(_union, {k: tuple(v) for k, v in by_json.items()}), object
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return functools.partial(_sequence, decoder(args[0]), tuple), list
    if origin is tuple and args:
        return functools.partial(_fixed, tuple(decoder(a) for a in args)), list
    if origin is frozenset and len(args) == 1:
        return functools.partial(_sequence, decoder(args[0]), frozenset), list
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind), list
    raise Unsupported(repr(kind))


def _exact(kind: type) -> Decoder:
    def check(data: Json, path: str) -> Any:
        if type(data) is not kind:  # not isinstance: True is not an int here
            raise Mismatch(kind.__name__)
        return data

    return check


def _location(data: Json, path: str) -> Location:
    if not isinstance(data, list):
        raise Mismatch("Location")
    if len(data) == 3 and type(data[0]) is str:
        path, *data = data
    if len(data) != 2 or type(data[0]) is not int or type(data[1]) is not int:
        raise Mismatch("Location")
    return _make_location(path, data[0], data[1])


def _literal(values: frozenset[object], data: Json, path: str) -> Any:
    if type(data) not in (str, int) or data not in values:  # not a bool: True == 1
        raise Mismatch("literal")
    return data


def _datetime(data: Json, path: str) -> dt.datetime:
    if not isinstance(data, dict) or len(data) != 1 or type(data.get("datetime")) is not str:
        raise Mismatch("datetime")
    return dt.datetime.fromisoformat(data["datetime"])  # ValueError when it is not one: a miss too


def _union(arms: dict[type, tuple[Decoder, ...]], data: Json, path: str) -> Any:
    for arm in arms.get(type(data), ()):  # JSON says which arms can fit: mostly one
        try:
            return arm(data, path)
        except Mismatch:
            continue
    raise Mismatch("union")


def _sequence(item: Decoder, build: Callable[[list[Any]], Any], data: Json, path: str) -> Any:
    if type(data) is not list:
        raise Mismatch("sequence")
    return build([item(v, path) for v in data])


def _fixed(items: tuple[Decoder, ...], data: Json, path: str) -> tuple[Any, ...]:
    if not isinstance(data, list) or len(data) != len(items):
        raise Mismatch("tuple")
    return tuple(item(v, path) for item, v in zip(items, data, strict=True))


def _dataclass(kind: type) -> Decoder:
    """The decoder of dataclass `kind`, generated once as Python source (as `dataclasses` makes `__init__`).

    A warm run decodes thousands of values whose fields are mostly `str`, `int`, `bool` or optional: the
    generated function unpacks the list and checks such a field inline (`type(v) is not str`), calling a
    decoder only for the other fields, with the same checks as `decoder` would run. The source holds
    field positions and names of this module's decoders, never anything read from the cache.
    """
    hints = typing.get_type_hints(kind)
    fields = dataclasses.fields(kind)
    if not all(f.init for f in fields):
        raise Unsupported(kind.__name__)
    scope: dict[str, Any] = {"Mismatch": Mismatch, "make": _maker(kind), "name": kind.__name__}
    checks: list[str] = []
    values: list[str] = []
    for i, f in enumerate(fields):
        hint, v = hints[f.name], f"v{i}"
        arms = typing.get_args(hint) if typing.get_origin(hint) in (types.UnionType, typing.Union) else ()
        optional = len(arms) == 2 and type(None) in arms
        inner = next(a for a in arms if a is not type(None)) if optional else hint
        if inner in _EXACT:  # a JSON scalar of exactly this type (None too, when optional)
            scope[f"t{i}"] = inner
            checks.append(f"({v} is not None and type({v}) is not t{i})" if optional else f"type({v}) is not t{i}")
            values.append(v)
        elif optional and _compiled(inner)[1] not in (type(None), object):  # `inner` never reads a null
            scope[f"d{i}"] = decoder(inner)
            values.append(f"None if {v} is None else d{i}({v}, path)")
        else:
            scope[f"d{i}"] = decoder(hint)
            values.append(f"d{i}({v}, path)")
    lines = [
        "def decode(data, path):",
        f"    if type(data) is not list or len(data) != {len(fields)}:",
        "        raise Mismatch(name)",
        *([f"    {', '.join(f'v{i}' for i in range(len(fields)))}, = data"] if fields else []),
        *([f"    if {' or '.join(checks)}:", "        raise Mismatch(name)"] if checks else []),
        f"    return make({', '.join(values)})",
    ]
    exec("\n".join(lines), scope)  # the source is built above from the type, never from data
    decode: Decoder = scope["decode"]
    return decode


def _maker(kind: type) -> Callable[..., Any]:
    """`kind`'s constructor from the values of its fields, in order, made once.

    When the class's `__init__` is the one `dataclasses` generated, which only stores the fields (no
    `__post_init__`, no `__slots__`, no own `__new__`), the values go straight into the new instance's
    `__dict__`: the same object (equal, same hash and repr), without a frozen `__init__`'s
    `object.__setattr__` per field, which is about half of the decoding of a warm run. Otherwise `kind`.
    """
    init = vars(kind).get("__init__")
    generated = getattr(getattr(init, "__code__", None), "co_filename", None) == "<string>"  # not a written one
    if (
        not generated
        or hasattr(kind, "__post_init__")
        or hasattr(kind, "__slots__")
        or any("__new__" in vars(base) for base in kind.__mro__[:-1])  # all but `object`
    ):
        return kind
    names = [f.name for f in dataclasses.fields(kind)]
    scope: dict[str, Any] = {"new": object.__new__, "kind": kind}
    arguments = ", ".join(f"v{i}" for i in range(len(names)))
    stores = ", ".join(f"{name}=v{i}" for i, name in enumerate(names))
    source = f"def make({arguments}):\n    made = new(kind)\n    made.__dict__.update({stores})\n    return made\n"
    exec(source, scope)  # the source is built from the field names, never from data
    make: Callable[..., Any] = scope["make"]
    return make


_EXACT = (type(None), str, int, bool)  # scalars `_exact` checks by `type(v) is`
_make_location: Callable[[str, int, int], Location] = _maker(Location)
