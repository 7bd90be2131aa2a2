"""The period a dashboard page shows, chosen on the page: presets and ``?from=&to=`` months.

``Period`` and its month arithmetic are the core's (``vmi_programme.period``); the presets are
here because "programme to date" needs the programme's start (governance).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.core.cache import cache
from django.db.models import IntegerField, Max, QuerySet, Value
from django.utils import timezone

from governance.selectors.context import programme_start
from vmi_programme.period import Period, add_months, month_end, month_start, parse_month

PRESETS = {
    "3m": ("Last 3 months", 3),
    "12m": ("Last 12 months", 12),
    "programme": ("Programme to date", None),
}


DATA_END_CACHE_SECONDS = 600


def _data_end_key(today: dt.date) -> str:
    return f"dashboards:data-end:{today.isoformat()}"


def forget_data_end() -> None:
    """Records changed: the next page asks the database again (``read_model`` calls this)."""
    cache.delete(_data_end_key(timezone.localdate()))


def data_end(today: dt.date) -> dt.date:
    """The last day of the latest month with recorded data, never later than ``today``.

    Cached for ``DATA_END_CACHE_SECONDS`` (at national size the six MAX queries cost more than
    the rest of a page) and forgotten whenever records change.

    The presets end here, not at today: a partnership whose records stop in July 2019 would
    otherwise get a "last 12 months" with nothing in it and "latest (Jul 2019)" values in a
    November 2026 report (issue 17). Today's month when there are no records at all.
    """
    from governance.models import Huddle, Meeting
    from impact.models import SeriesValue
    from rpiw.models import Measurement, MetricValue
    from training.models import Assessment

    sources = [
        (MetricValue, "period_end"),
        (Measurement, "measured_on"),
        (SeriesValue, "period"),
        (Huddle, "date"),
        (Meeting, "date"),
        (Assessment, "assessed_on"),
    ]
    cached = cache.get(_data_end_key(today))
    if cached is not None:
        return cached
    # One query however many sources: each source's latest day, as one row of a UNION ALL.
    latest = _latest(*sources[0], today).union(
        *(_latest(model, name, today) for model, name in sources[1:]), all=True
    )
    last = max((day for day in latest if day is not None), default=today)
    end = min(month_end(last), today)
    cache.set(_data_end_key(today), end, DATA_END_CACHE_SECONDS)
    return end


def _latest(model: Any, name: str, today: dt.date) -> QuerySet:
    """The latest ``name`` on or before today, as a one-row queryset (none if no rows)."""
    return (
        model._default_manager.filter(**{f"{name}__lte": today})
        .order_by()
        .annotate(one=Value(1, output_field=IntegerField()))
        .values("one")
        .annotate(last=Max(name))
        .values_list("last", flat=True)
    )


def preset_period(name: str, today: dt.date | None = None, *, end: dt.date | None = None) -> Period:
    """A preset ending at ``end``, or at the latest month with data (``data_end``)."""
    today = end or data_end(today or timezone.localdate())
    _, months = PRESETS[name]
    start = programme_start() if months is None else add_months(month_start(today), 1 - months)
    return Period(min(start, month_start(today)), today, name)


def period_from(params, *, default: str = "12m", today: dt.date | None = None) -> Period:
    """The period asked for with ``?from=YYYY-MM&to=YYYY-MM`` or ``?period=<preset>``.

    A bad or reversed pair falls back to the default preset rather than failing the page, and
    the period says so (``Period.notice``, shown on the page); the end is never later than today.
    """
    today = today or timezone.localdate()
    if params.get("period") in PRESETS:
        return preset_period(params["period"], today)
    asked_from, asked_to = params.get("from"), params.get("to")
    start, end = parse_month(asked_from), parse_month(asked_to)
    if start and end and start <= end:
        return Period(start, min(month_end(end), today) if end <= today else today)
    fallback = preset_period(default, today)
    if not (asked_from or asked_to):
        return fallback
    if start and end:
        why = (
            f"The period asked for starts ({start:%B %Y}) after it ends ({end:%B %Y}), "
            f"so this page shows {PRESETS[default][0].lower()} instead."
        )
    else:
        why = (
            "The period asked for is not two months written as YYYY-MM, so this page shows "
            f"{PRESETS[default][0].lower()} instead."
        )
    return replace(fallback, notice=why)


def presets(today: dt.date | None = None) -> list[dict]:
    end = data_end(today or timezone.localdate())  # once for all the presets
    return [
        {"key": key, "label": label, "period": preset_period(key, end=end)}
        for key, (label, _) in PRESETS.items()
    ]
