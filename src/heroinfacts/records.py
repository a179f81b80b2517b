"""Record classes (:class:`Struct`): what ``@dataclass(slots=True)`` gives, without its cost
at every start.

``dataclasses`` writes and compiles half a dozen methods for each class it decorates, and
importing it pulls in ``inspect``, ``ast`` and ``dis``. For the twenty-odd record types a lookup
needs that came to ~12 ms of every run, a quarter of the time of ``heroinfacts ask --json``
(docs/performance.md). Here the methods are written once, in :class:`Struct`, and read the
field names that the metaclass collects from each class's annotations::

    class Contact(Struct):                 # frozen, slotted, compared and hashed by value
        kind: str
        value: str
        label: str | None = None

    class Doc(Struct, frozen=False):        # mutable fields
        blocks: list[Block] = field(default_factory=list)

Fields are read from ``__annotations__`` in the class namespace, which ``from __future__ import
annotations`` puts there on every Python version (3.14 included; without it, 3.14 evaluates
annotations lazily and a record class says so at once). Every module has that import: ruff's
``required-imports`` keeps it.

Type checkers see dataclasses (PEP 681, ``dataclass_transform``), so every constructor call is
still checked. The modules off the lookup path (validation, handouts, evaluation) use plain
dataclasses. A compiled library of fast records (msgspec's ``Struct``) would do this job too,
but the one-file zipapp (:mod:`heroinfacts.zipapp`) can carry only pure Python.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_kwargs: object) -> Callable[[object], object]:
        return lambda cls: cls


__all__ = ["FrozenInstanceError", "Struct", "field", "fields"]

T = TypeVar("T")


class FrozenInstanceError(AttributeError):
    """An attempt to change or delete a field of a frozen record."""


class _Factory:
    """A default made fresh for each instance (``field(default_factory=...)``)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], T]) -> T:
    """A field whose default is made by ``default_factory`` for each new record."""
    return _Factory(default_factory)  # type: ignore[return-value]


def fields(record: Struct | type[Struct]) -> tuple[str, ...]:
    """The names of a record's fields, in order."""
    return record._fields


_MISSING = object()


def _is_classvar(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class _RecordType(type):
    """Turns annotated class attributes into slotted fields with defaults."""

    def __new__(
        mcls,
        name: str,
        bases: tuple[type, ...],
        ns: dict[str, Any],
        frozen: bool | None = None,
    ) -> _RecordType:
        if "__annotations__" not in ns and ("__annotate__" in ns or "__annotate_func__" in ns):
            # Python 3.14+ without the future import: the fields are not readable here
            raise TypeError(f"{name}: a record's module needs `from __future__ import annotations`")
        own = [
            key
            for key, annotation in ns.get("__annotations__", {}).items()
            if not _is_classvar(annotation)
        ]
        defaults = {key: ns.pop(key) for key in own if key in ns}
        ns.setdefault("__slots__", tuple(own))
        if frozen is False:  # mutable, and so (as a dataclass) not hashable
            ns.setdefault("__setattr__", object.__setattr__)
            ns.setdefault("__delattr__", object.__delattr__)
            ns.setdefault("__hash__", None)
        cls: Any = super().__new__(mcls, name, bases, ns)
        inherited: tuple[str, ...] = getattr(cls, "_fields", ())
        all_fields = inherited + tuple(k for k in own if k not in inherited)
        all_defaults = {**getattr(cls, "_defaults", {}), **defaults}
        seen_default = False
        for key in all_fields:
            if key in all_defaults:
                seen_default = True
            elif seen_default:
                raise TypeError(f"{name}: field {key!r} without a default follows one with it")
        cls._fields = all_fields
        cls._defaults = all_defaults
        cls._values = _getter(all_fields)
        return cls  # type: ignore[no-any-return]


def _getter(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """A function of a record giving its field values as a tuple (C-speed for 2+ fields)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


class Struct(metaclass=_RecordType):
    """Base of the record types: ``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` by field.

    Frozen unless the class says ``frozen=False``: assigning a field raises
    :class:`FrozenInstanceError`. Records compare equal only to records of the same class.
    """

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _values: ClassVar[Callable[[Any], tuple[Any, ...]]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        names = self._fields
        if len(args) > len(names):
            raise TypeError(
                f"{type(self).__name__}() takes {len(names)} arguments but {len(args)} were given"
            )
        setter = object.__setattr__
        for key, value in zip(names, args, strict=False):  # fewer args: defaults below
            setter(self, key, value)
        defaults = self._defaults
        for key in names[len(args) :]:
            value = kwargs.pop(key, _MISSING)
            if value is _MISSING:
                value = defaults.get(key, _MISSING)
                if value is _MISSING:
                    raise TypeError(f"{type(self).__name__}() missing argument {key!r}")
                if isinstance(value, _Factory):
                    value = value.make()
            setter(self, key, value)
        if kwargs:
            key = next(iter(kwargs))
            problem = "got multiple values for" if key in names else "got an unexpected"
            raise TypeError(f"{type(self).__name__}() {problem} argument {key!r}")

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._fields)
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = type(self)._values
        return bool(values(self) == values(other))

    def __hash__(self) -> int:
        return hash(type(self)._values(self))

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Struct], tuple[Any, ...]]:
        return type(self), tuple(getattr(self, k) for k in self._fields)
