"""Pure computations on the compact: fulfilment shares over time and word-level version diffs.

No Django here: selectors pass plain records in, views show what comes out.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

FULFILLED, PARTLY, NOT_FULFILLED = "fulfilled", "partly", "not_fulfilled"
LEVELS = (FULFILLED, PARTLY, NOT_FULFILLED)


@dataclass(frozen=True)
class RatingRecord:
    """One member's judgement of one promise at one meeting."""

    date: dt.date
    promise_key: str
    party: str
    fulfilment: str


@dataclass(frozen=True)
class FulfilmentPoint:
    """Fulfilment of one group (a promise, a party, or everything) in one month."""

    group: str
    month: dt.date  # first day of the month
    fulfilled: int
    partly: int
    not_fulfilled: int

    @property
    def total(self) -> int:
        return self.fulfilled + self.partly + self.not_fulfilled

    @property
    def share_fulfilled(self) -> float:
        """fulfilled / total: "partly" counts as not (yet) fulfilled."""
        return self.fulfilled / self.total

    @property
    def percent_fulfilled(self) -> int:
        return round(100 * self.share_fulfilled)


def month_of(date: dt.date) -> dt.date:
    return date.replace(day=1)


def _check(record: RatingRecord) -> None:
    if record.fulfilment not in LEVELS:
        raise ValueError(
            f"Unknown fulfilment {record.fulfilment!r}: use one of {', '.join(LEVELS)}."
        )


def monthly_fulfilment(records: Iterable[RatingRecord], by: str = "all") -> list[FulfilmentPoint]:
    """Per month and group, how many ratings were fulfilled, partly and not fulfilled.

    ``by`` is ``"promise"`` (group = promise key), ``"party"`` (group = party) or ``"all"``
    (one group, ``"all"``). The share fulfilled is fulfilled / all ratings in that month and
    group. Months without ratings are left out rather than shown as zero. Sorted by group, month.
    """
    if by not in ("promise", "party", "all"):
        raise ValueError("by must be 'promise', 'party' or 'all'.")
    counts: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(LEVELS, 0)
    )
    for record in records:
        _check(record)
        group = {"promise": record.promise_key, "party": record.party, "all": "all"}[by]
        counts[(group, month_of(record.date))][record.fulfilment] += 1
    return [
        FulfilmentPoint(group, month, c[FULFILLED], c[PARTLY], c[NOT_FULFILLED])
        for (group, month), c in sorted(counts.items())
    ]


def recent_fulfilment(
    records: Iterable[RatingRecord], as_of: dt.date, months: int = 6, by: str = "promise"
) -> dict[str, FulfilmentPoint]:
    """Fulfilment per group over the ``months`` calendar months up to and including ``as_of``'s.

    Each result's ``month`` is the first month of the window. Groups without ratings in the
    window are absent.
    """
    if months < 1:
        raise ValueError("months must be at least 1.")
    start = month_of(as_of)
    for _ in range(months - 1):
        start = month_of(start - dt.timedelta(days=1))
    window = [r for r in records if start <= r.date <= as_of]
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(LEVELS, 0))
    for point in monthly_fulfilment(window, by=by):
        for level in LEVELS:
            totals[point.group][level] += getattr(point, level)
    return {
        group: FulfilmentPoint(group, start, c[FULFILLED], c[PARTLY], c[NOT_FULFILLED])
        for group, c in totals.items()
    }


# ---- version diff -------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseText:
    key: str
    party: str
    heading: str
    text: str


@dataclass(frozen=True)
class WordChange:
    """A run of words: ``op`` is "equal", "insert" (only in the newer text) or "delete"."""

    op: str
    text: str


@dataclass(frozen=True)
class PromiseDiff:
    key: str
    status: str  # "added", "removed", "changed", "moved" (same words, other heading/party), "same"
    old: PromiseText | None
    new: PromiseText | None
    words: tuple[WordChange, ...]

    @property
    def _latest(self) -> PromiseText:
        """The newer text, or the old one for a removed promise (a diff always has one)."""
        latest = self.new or self.old
        if latest is None:
            raise ValueError(f"Promise {self.key!r} has neither an old nor a new text.")
        return latest

    @property
    def party(self) -> str:
        return self._latest.party

    @property
    def heading(self) -> str:
        return self._latest.heading


def word_diff(old: str, new: str) -> tuple[WordChange, ...]:
    """Word-level differences between two texts (difflib.SequenceMatcher over words)."""
    a, b = old.split(), new.split()
    changes: list[WordChange] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            changes.append(WordChange("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            changes.append(WordChange("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            changes.append(WordChange("insert", " ".join(b[j1:j2])))
    return tuple(changes)


def diff_promises(old: Sequence[PromiseText], new: Sequence[PromiseText]) -> list[PromiseDiff]:
    """Per promise key: added, removed, changed (word diff), moved or the same.

    Promises are matched by key; the result follows the newer version's order, then the
    removed promises in the older version's order.
    """
    for label, promises in (("older", old), ("newer", new)):
        keys = [p.key for p in promises]
        if len(keys) != len(set(keys)):
            raise ValueError(f"The {label} version has a promise key twice.")
    old_by_key = {p.key: p for p in old}
    new_keys = {p.key for p in new}
    result: list[PromiseDiff] = []
    for promise in new:
        before = old_by_key.get(promise.key)
        if before is None:
            result.append(
                PromiseDiff(
                    promise.key, "added", None, promise, (WordChange("insert", promise.text),)
                )
            )
            continue
        words = word_diff(before.text, promise.text)
        if any(change.op != "equal" for change in words):
            status = "changed"
        elif (before.party, before.heading) != (promise.party, promise.heading):
            status = "moved"
        else:
            status = "same"
        result.append(PromiseDiff(promise.key, status, before, promise, words))
    for promise in old:
        if promise.key not in new_keys:
            result.append(
                PromiseDiff(
                    promise.key, "removed", promise, None, (WordChange("delete", promise.text),)
                )
            )
    return result


def changed_keys(old: Sequence[PromiseText], new: Sequence[PromiseText]) -> set[str]:
    """Keys of promises the newer version rewords, moves or removes."""
    return {d.key for d in diff_promises(old, new) if d.status in ("changed", "moved", "removed")}
