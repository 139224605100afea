"""Dataclasses made when first needed: `lazy_dataclass` is `dataclasses.dataclass`, applied to the
class the first time one of it is made rather than when its module is imported.

A dataclass is made by compiling its methods (__init__, __repr__, __eq__, __hash__, and for a frozen
one __setattr__ and __delattr__): about half a millisecond a class. The store's view types are some
thirty such classes, and every start of the window imports them, though the first paint of Home
makes only a few (README, Performance). Until then the class is the plain class its body defines,
with an __init__ and a __setstate__ of this module's that, on the first call, complete it (and any
such class it derives from, base first) with `dataclasses.dataclass` and step aside; from there on
it is the class `@dataclass(...)` would have made, and costs nothing more per instance.

Every instance is made through one of the two (a call; a copy or an unpickling), so no instance
is used before its class is complete. The first use on two threads at once is safe: a class is
completed under a lock, and its placeholder __init__ stays in place until the generated one
replaces it in one step (made from a copy of the class, since dataclasses keeps an __init__ a class
already has), so another thread never finds the class without one. `complete()` completes every
such class now (the tests do, so that a mistake in a declaration fails there rather than on first
use). `slots=True` is not offered: dataclasses makes a new class for it, which cannot take the
place of the one already bound to its names. Nor is a class with an __init__ or __setstate__ of
its own taken.

The few classes Home's first paint itself makes (its kinds, counts, sources, first tab) would be
completed at every start all the same, at some 1.6 times the cost of an eager @dataclass (the copy
included): those are written out instead, on `Record` and `FrozenRecord` below, at no such cost.
"""

from __future__ import annotations

import dataclasses
import operator
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

_T = TypeVar("_T", bound=type)

# The classes declared and not yet completed: their options, and their bodies as written.
_pending: dict[type, tuple[dict[str, Any], dict[str, Any]]] = {}
_lock = threading.RLock()


def _complete(cls: type) -> None:
    with _lock:
        for klass in reversed(cls.__mro__):  # bases first: a dataclass reads its bases' fields
            declared = _pending.get(klass)
            if declared is not None:
                _make(klass, *declared)
                del _pending[klass]


def _make(klass: type, options: dict[str, Any], body: dict[str, Any]) -> None:
    # Everything but __init__, in place: dataclasses keeps the placeholder __init__ it finds.
    made: object = dataclasses.dataclass(klass, **options)
    assert made is klass  # without slots, dataclasses completes the class in place
    # The generated __init__, from a copy of the class as written (its bases are complete by now).
    twin = type(klass)(klass.__name__, klass.__bases__, dict(body))
    init_only = {"kw_only": options.get("kw_only", False), "frozen": options.get("frozen", False)}
    dataclasses.dataclass(twin, repr=False, eq=False, match_args=False, **init_only)
    klass.__init__ = vars(twin)["__init__"]  # type: ignore[misc]  # replaces the placeholder in one step
    if body.get("__doc__") is None:
        # dataclasses wrote a class without a docstring one from its __init__'s signature: the
        # placeholder's, (*args, **kwargs), on the class itself; the copy's is the real one.
        klass.__doc__ = twin.__doc__
    del klass.__setstate__  # type: ignore[attr-defined]


def complete() -> None:
    """Complete every class declared so far."""
    with _lock:
        for cls in list(_pending):
            _complete(cls)


def _declare(cls: _T, options: dict[str, Any]) -> _T:
    if "__init__" in vars(cls) or "__setstate__" in vars(cls):
        raise TypeError(f"{cls.__name__}: lazy_dataclass does not take a class with its own __init__ or __setstate__")
    body = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}

    def __init__(self: object, *args: object, **kwargs: object) -> None:
        _complete(type(self))
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]  # the dataclass's own now

    def __setstate__(self: object, state: object) -> None:
        _complete(type(self))
        # What pickle and copy do for a class without __setstate__, as the completed class is.
        if isinstance(state, tuple):
            state, slots = state
            for name, value in (slots or {}).items():
                object.__setattr__(self, name, value)
        if state:
            vars(self).update(state)  # type: ignore[call-overload]

    _pending[cls] = (options, body)
    cls.__init__ = __init__  # type: ignore[misc]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls


if TYPE_CHECKING:
    # To the type checker it is dataclasses.dataclass itself: the same fields, checks and signatures.
    from dataclasses import dataclass as lazy_dataclass
else:

    def lazy_dataclass(cls=None, /, **options):
        """`@dataclass(...)`, completed on the first instance (see the module's docstring)."""
        if options.get("slots"):
            raise TypeError("lazy_dataclass does not make slotted classes: use dataclasses.dataclass")
        if options.get("init") is False:
            # The __init__ that replaces the placeholder is generated whatever `init` says.
            raise TypeError("lazy_dataclass does not make classes without an __init__: use dataclasses.dataclass")
        if cls is None:
            return lambda klass: _declare(klass, options)
        return _declare(cls, options)


class Record:
    """A small value class written out by hand, for the few the window's first paint makes.

    What `@dataclass` would generate for it, from its `__match_args__` (its fields, in order; its
    `__slots__` too) and its own __init__: the same repr, and equality field by field with another
    of the same class (so no hash, as a dataclass that is not frozen has none). Writing the __init__
    out costs some lines; it saves compiling one at every start (see the module's docstring).
    """

    __slots__: tuple[str, ...] = ()
    __match_args__: tuple[str, ...] = ()
    # The fields' values as a tuple, read in C: equality and hashing go through it (a getattr loop in
    # Python made them some ten times a dataclass's cost).
    _fields_of: Callable[[object], tuple[object, ...]] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        names = cls.__match_args__
        if len(names) == 1:
            one = operator.attrgetter(names[0])
            cls._fields_of = staticmethod(lambda record: (one(record),))
        elif names:
            cls._fields_of = staticmethod(operator.attrgetter(*names))

    def _values(self) -> tuple[object, ...]:
        return self._fields_of(self)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__qualname__}({fields})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Record) and other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value: unhashable, as a dataclass

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), self._values()  # its __init__ takes its fields in this order


class FrozenRecord(Record):
    """A Record that cannot be changed once made, and so can be hashed: `@dataclass(frozen=True)`.
    Its __init__ sets each field with object.__setattr__, as a frozen dataclass's does."""

    __slots__ = ()

    def _hash(self) -> int:
        return hash(self._values())

    __hash__ = _hash  # type: ignore[assignment]

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
