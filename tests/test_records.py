"""lazy_dataclass: a class completed on its first instance is the class @dataclass would have made."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
import textwrap
import threading

import pytest

from desktop.core import records
from desktop.core.problems import Problem
from desktop.core.records import lazy_dataclass


@lazy_dataclass(frozen=True, kw_only=True)
class Base:
    """A frozen base with keyword-only fields."""

    name: str
    size: int = 0


@lazy_dataclass(frozen=True, kw_only=True)
class Derived(Base):
    extra: tuple[str, ...] = ()


@lazy_dataclass(frozen=True, order=True)
class Ordered:
    a: int
    b: str = ""


@lazy_dataclass
class Mutable:
    items: list[int] = dataclasses.field(default_factory=list)


class PlainChild(Ordered):
    """Not itself a dataclass: its first instance completes the base it derives from."""


def test_a_class_is_not_made_a_dataclass_until_its_first_instance() -> None:
    @lazy_dataclass(frozen=True)
    class Late:
        x: int

    assert not dataclasses.is_dataclass(Late)
    assert Late(3).x == 3
    assert dataclasses.is_dataclass(Late)
    # The placeholders stepped aside: the generated __init__, and pickle's own way of restoring.
    assert "__setstate__" not in vars(Late)
    assert list(inspect.signature(Late).parameters) == ["x"]


def test_completed_classes_behave_as_dataclasses() -> None:
    a = Derived(name="x", size=2, extra=("e",))
    assert a == Derived(name="x", size=2, extra=("e",))
    assert a != Derived(name="x", size=3, extra=("e",))
    assert hash(a) == hash(Derived(name="x", size=2, extra=("e",)))
    assert repr(a) == "Derived(name='x', size=2, extra=('e',))"
    assert [f.name for f in dataclasses.fields(a)] == ["name", "size", "extra"]
    assert dataclasses.replace(a, size=5).size == 5
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "y"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Base("positional")  # type: ignore[misc]  # keyword-only, as declared
    assert sorted([Ordered(2), Ordered(1, "b"), Ordered(1, "a")]) == [Ordered(1, "a"), Ordered(1, "b"), Ordered(2)]
    first, second = Mutable(), Mutable()
    first.items.append(1)
    assert second.items == []  # each its own list, from the default factory
    assert Base(name="b") == Base(name="b", size=0)


def test_a_class_without_a_docstring_gets_the_one_dataclasses_writes() -> None:
    @lazy_dataclass(frozen=True)
    class Undocumented:
        x: int
        y: str = ""

    @dataclasses.dataclass(frozen=True)
    class Eager:
        x: int
        y: str = ""

    Undocumented(1)
    assert Undocumented.__doc__ == Eager.__doc__.replace("Eager", "Undocumented")


def test_a_plain_subclass_completes_its_base() -> None:
    child = PlainChild(1, "x")
    assert (child.a, child.b) == (1, "x")
    assert dataclasses.is_dataclass(Ordered)


def test_copies_and_pickles_round_trip() -> None:
    value = Derived(name="p", extra=("a", "b"))
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    assert pickle.loads(pickle.dumps(value)) == value


def _first_use_race() -> None:
    """Eight threads make the first instances of a new class at once."""

    @lazy_dataclass(frozen=True)
    class Shared:
        x: int

    made: list[Shared] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def make(n: int) -> None:
        start.wait()
        try:
            made.append(Shared(n))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=make, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(s.x for s in made) == list(range(8))


def test_first_use_on_many_threads_completes_once() -> None:
    # Threads switched every microsecond, so that two of them complete one class at once; without
    # the lock, this fails most rounds ("Cannot overwrite attribute __setattr__").
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(20):
            _first_use_race()
    finally:
        sys.setswitchinterval(interval)


def _in_a_fresh_process(code: str) -> None:
    """Run `code` in a new interpreter, where no lazy class has been completed yet."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_an_instance_unpickled_before_any_is_made_completes_its_class() -> None:
    # What a build's worker processes send back: problems, made in a worker, unpickled by a process
    # that has made none of them yet (so the placeholder __setstate__ completes the class).
    problem = Problem("data/x.yaml", 3, 1, "an unknown property")
    sent = pickle.dumps(problem)
    _in_a_fresh_process(
        f"""
        import dataclasses, pickle
        from desktop.core.problems import Problem
        assert not dataclasses.is_dataclass(Problem)
        got = pickle.loads({sent!r})
        assert dataclasses.is_dataclass(Problem)
        assert "__setstate__" not in vars(Problem)
        assert got == Problem("data/x.yaml", 3, 1, "an unknown property"), got
        assert repr(got) == {repr(problem)!r}
        """
    )


def test_every_declared_class_completes() -> None:
    # The program's own declarations: a mistake in one (a field without a default after one with)
    # fails here, not on the first page that makes one. In a process of its own, so that the other
    # tests still meet the classes as a start does, not yet completed.
    _in_a_fresh_process(
        """
        import dataclasses
        import desktop.core.asof, desktop.core.cache, desktop.core.figures, desktop.core.problems
        import desktop.core.reader_data, desktop.core.reader_files, desktop.core.store
        import desktop.core.timeline, desktop.core.views, desktop.ui.page_html
        from desktop.core import records

        assert records._pending
        records.complete()
        assert records._pending == {}
        assert dataclasses.is_dataclass(desktop.core.views.FactView)
        assert [f.name for f in dataclasses.fields(desktop.core.views.ClaimView)][-2:] == ["rank", "shown"]
        """
    )


def test_a_mistaken_declaration_is_refused() -> None:
    @lazy_dataclass(frozen=True)
    class Wrong:
        x: int = 0
        y: int  # type: ignore[misc]  # no default after one with a default

    with pytest.raises(TypeError, match="non-default argument"):
        Wrong()
    with pytest.raises(TypeError, match="slotted"):
        lazy_dataclass(slots=True)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="without an __init__"):
        lazy_dataclass(init=False)  # type: ignore[call-overload]


# -- the records written out by hand: what @dataclass would have made ------------------------------------


def _written_out() -> list[tuple[type, type, tuple[object, ...]]]:
    """(the hand-written class, the dataclass it stands for, sample field values)."""
    from desktop.core import reader_files, views
    from desktop.core.reader_data import TabState
    from desktop.ui.actions import ActionSpec
    from desktop.ui.page_html import Colors, Strip, StripMark

    action_fields = ["name", "text", "slot", "menu", "keys", "standard", "separator", "toolbar", "checkable", "attr"]
    kind = views.KindInfo("country", "Country", "Countries", "country.svg", 3)
    return [
        (views.KindInfo,
         dataclasses.make_dataclass("KindInfo", ["id", "label", "plural", "icon", "count"], frozen=True),
         ("country", "Country", "Countries", "country.svg", 3)),
        (views.EntityRef, dataclasses.make_dataclass("EntityRef", ["id", "kind", "name"], frozen=True),
         ("imet", "program", "IMET")),
        (views.SourceInfo, dataclasses.make_dataclass("SourceInfo", ["id", "title", "publisher", "url", "license"],
                                                      frozen=True), ("s", "T", "P", "https://x", "CC0")),
        (views.Counts, dataclasses.make_dataclass("Counts", ["entities", "facts", "kinds"]), (1, 2, [kind])),
        (TabState, dataclasses.make_dataclass("TabState", ["targets", "position"], frozen=True), (("a", "b"), 1)),
        (Colors, dataclasses.make_dataclass("Colors", ["text", "base", "link", "muted", "rule", "band"], frozen=True),
         ("#1", "#2", "#3", "#4", "#5", "#6")),
        (reader_files.Opened, dataclasses.make_dataclass("Opened", ["conn", "read_only", "set_aside", "notice"]),
         (None, False, None, "")),
        (ActionSpec, dataclasses.make_dataclass("ActionSpec", action_fields, frozen=True),
         ("actionX", "&X", "x.y", "&File", ("Ctrl+X",), "Cut", True, False, True, "x.action")),
        (views.CitationView, dataclasses.make_dataclass("CitationView", ["source", "locator"], frozen=True),
         (views.SourceInfo("s", "T", "P", "https://x", "CC0"), "¶2")),
        (StripMark, dataclasses.make_dataclass("StripMark", ["days", "point", "faded", "inbound", "text"],
                                               frozen=True), ((1, 2, None, None), True, False, False, "Founded")),
        (Strip, dataclasses.make_dataclass("Strip", ["marks", "first", "last", "cursor"], frozen=True),
         ((StripMark((1, 1, 1, 1), True, False, False),), 1, 9, 5)),
    ]  # fmt: skip


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(c) for c in found))


def test_every_written_out_record_is_compared_with_its_dataclass() -> None:
    compared = {cls for cls, _, _ in _written_out()}  # imports every module that writes one out
    assert _subclasses(records.Record) - {records.FrozenRecord} == compared


@pytest.mark.parametrize("index", range(len(_written_out())))
def test_a_written_out_record_acts_as_its_dataclass(index: int) -> None:
    cls, model, values = _written_out()[index]
    mine, theirs = cls(*values), model(*values)
    assert repr(mine) == repr(theirs)
    assert mine == cls(*values)
    assert mine != cls(*values[:-1], 0 if values[-1] else "other")
    assert mine != theirs  # another class, as between two dataclasses
    assert (mine == object()) is False
    assert tuple(getattr(mine, name) for name in cls.__match_args__) == values
    assert cls.__match_args__ == theirs.__match_args__
    frozen = model.__dataclass_params__.frozen  # type: ignore[attr-defined]
    if frozen:
        assert hash(mine) == hash(cls(*values))
        with pytest.raises(dataclasses.FrozenInstanceError):
            mine.x = 1  # type: ignore[attr-defined]
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(mine, cls.__match_args__[0], values[0])
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(mine, cls.__match_args__[0])
    else:
        with pytest.raises(TypeError, match="unhashable"):
            hash(mine)
        setattr(mine, cls.__match_args__[-1], "changed")
        assert getattr(mine, cls.__match_args__[-1]) == "changed"
    if cls.__name__ != "Opened":  # a live connection does not pickle
        assert pickle.loads(pickle.dumps(mine)) == mine
        assert copy.copy(mine) == mine and copy.deepcopy(mine) == mine


def test_written_out_defaults_are_the_dataclasses() -> None:
    from desktop.core.reader_data import HOME, TabState
    from desktop.core.views import Counts
    from desktop.ui.page_html import Colors

    assert TabState() == TabState((HOME,), 0)
    assert TabState(["a"]).targets == ("a",)  # a list is accepted, a tuple kept
    with pytest.raises(ValueError, match="outside"):
        TabState(("a",), 1)
    assert Counts() == Counts(0, 0, [])
    assert Counts().kinds is not Counts().kinds  # a list of its own each
    assert Colors().text == "#1b1b1b" and Colors(link="#000").link == "#000"
    from desktop.ui.actions import ActionSpec

    spec = ActionSpec("a", "&A…", "s", "&Go")
    assert (spec.keys, spec.standard, spec.separator, spec.toolbar, spec.checkable, spec.attr) == (
        (), None, False, False, False, None,
    )  # fmt: skip
    assert spec.label == "A"
    from desktop.ui.page_html import Strip, StripMark

    assert StripMark((1, 1, 1, 1), True, False, False).text == ""
    assert Strip((), 1, 2).cursor is None
