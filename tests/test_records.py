"""heroinfacts.records: the record base behaves as the dataclasses it stands in for."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from heroinfacts.model import CiteCheck, Contact, Fact, Proportion, Resource, Topic
from heroinfacts.records import FrozenInstanceError, Struct, field, fields
from heroinfacts.render.doc import Doc, Para
from heroinfacts.search import Hit


class Pair(Struct):
    left: str
    right: int = 0


class Bag(Struct, frozen=False):
    items: list[int] = field(default_factory=list)
    count: int = 0


@dataclasses.dataclass(frozen=True)
class DPair:
    left: str
    right: int = 0


def test_fields_come_from_annotations_in_order() -> None:
    assert fields(Fact) == ("id", "text", "cites", "topic", "proportion", "note", "checks")
    assert fields(Pair) == ("left", "right")
    assert Topic.__slots__ == fields(Topic)  # slotted: no per-instance dict
    assert not hasattr(Contact("phone", "988"), "__dict__")


def test_construction_matches_a_dataclass() -> None:
    for args, kwargs in [(("a",), {}), (("a", 2), {}), ((), {"left": "a", "right": 2})]:
        assert repr(Pair(*args, **kwargs))[1:] == repr(DPair(*args, **kwargs))[2:]
    assert Contact("phone", "988").label is None  # a default
    for bad_args, bad_kwargs in [
        ((), {}),  # missing
        (("a", 1, 2), {}),  # too many
        (("a",), {"left": "b"}),  # twice
        (("a",), {"colour": "red"}),  # unknown
    ]:
        with pytest.raises(TypeError):
            DPair(*bad_args, **bad_kwargs)
        with pytest.raises(TypeError):
            Pair(*bad_args, **bad_kwargs)


def test_frozen_records_refuse_changes() -> None:
    pair = Pair("a", 1)
    with pytest.raises(FrozenInstanceError):
        pair.left = "b"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del pair.right  # type: ignore[misc]
    with pytest.raises(AttributeError):  # as dataclasses' error, an AttributeError
        pair.other = 1  # type: ignore[attr-defined]
    assert pair == Pair("a", 1)


def test_equality_and_hash_are_by_value_and_class() -> None:
    assert Pair("a", 1) == Pair("a", 1)
    assert Pair("a", 1) != Pair("a", 2)
    assert hash(Pair("a", 1)) == hash(Pair("a", 1))
    assert len({Pair("a", 1), Pair("a", 1), Pair("b", 1)}) == 2
    assert Pair("a", 1) != ("a", 1)
    assert Proportion(1, 2, "x") != Pair("1", 2)
    fact = Fact("f", "t", ("r",), "topic", Proportion(1, 4, "one in four"))
    assert fact == Fact("f", "t", ("r",), "topic", Proportion(1, 4, "one in four"))
    assert fact != Fact("f", "t", ("r",), "topic", Proportion(1, 5, "one in five"))


def test_mutable_records() -> None:
    a, b = Bag(), Bag()
    a.items.append(1)
    a.count = 3
    assert b.items == [] and b.count == 0  # a fresh default for each record
    assert a == Bag([1], 3)
    with pytest.raises(TypeError):  # mutable, so unhashable (as a dataclass)
        hash(a)
    doc = Doc().add(Para([("x", "")]))
    assert doc.blocks == [Para([("x", "")])]


def test_copy_and_pickle_round_trip() -> None:
    res = Resource(
        id="r",
        name="n",
        region="US",
        offers="o",
        contacts=(Contact("phone", "988", "Call 988"),),
        concerns=("suicide",),
        verified="2026-01-01",
        cites=("x",),
    )
    for record in (res, Pair("a", 1), Bag([1, 2]), Hit("fact", "f", None, None, "t", (), 1.0)):
        assert pickle.loads(pickle.dumps(record)) == record
        assert copy.copy(record) == record
        assert copy.deepcopy(record) == record


def test_to_dict_walks_nested_records() -> None:
    check = CiteCheck("r", "https://example.org/r", "Part 1", "states")
    fact = Fact(
        "f", "t", ("article", "r"), "topic", Proportion(1, 4, "one in four"), None, (check,)
    )
    assert fact.to_dict() == {
        "id": "f",
        "text": "t",
        "cites": ["article", "r"],
        "topic": "topic",
        "proportion": {"numerator": 1, "denominator": 4, "wording": "one in four"},
        "note": None,
        "checks": [
            {
                "ref": "r",
                "read": "https://example.org/r",
                "section": "Part 1",
                "supports": "states",
                "note": None,
            }
        ],
    }
    assert Fact.from_dict(fact.to_dict()) == fact


def test_a_required_field_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="without a default"):

        class Bad(Struct):  # the same rule as dataclasses
            a: int = 0
            b: int  # type: ignore[misc]


def test_lazily_evaluated_annotations_are_refused_loudly() -> None:
    # What a class body gives on Python 3.14+ without `from __future__ import annotations`:
    # an annotate function instead of the __annotations__ dict. Empty fields would be wrong.
    namespace = {"__module__": __name__, "__annotate__": lambda fmt: {"a": int}}
    with pytest.raises(TypeError, match="from __future__ import annotations"):
        type(Struct)("Lazy", (Struct,), namespace)
