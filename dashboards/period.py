"""The period a dashboard page shows, chosen on the page: presets and ``?from=&to=`` months.

``Period`` and its month arithmetic are the core's (``vmi_programme.period``); the presets are
here because "programme to date" needs the programme's start (governance).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from governance.selectors.context import programme_start
from vmi_programme.period import Period, add_months, month_end, month_start, parse_month

PRESETS = {
    "3m": ("Last 3 months", 3),
    "12m": ("Last 12 months", 12),
    "programme": ("Programme to date", None),
}


def preset_period(name: str, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    _, months = PRESETS[name]
    start = programme_start() if months is None else add_months(month_start(today), 1 - months)
    return Period(start, today, name)


def period_from(params, *, default: str = "12m", today: dt.date | None = None) -> Period:
    """The period asked for with ``?from=YYYY-MM&to=YYYY-MM`` or ``?period=<preset>``.

    A bad or reversed pair falls back to the default preset rather than failing the page; the
    end is never later than today.
    """
    today = today or timezone.localdate()
    if params.get("period") in PRESETS:
        return preset_period(params["period"], today)
    start, end = parse_month(params.get("from")), parse_month(params.get("to"))
    if start and end and start <= end:
        return Period(start, min(month_end(end), today) if end <= today else today)
    return preset_period(default, today)


def presets(today: dt.date | None = None) -> list[dict]:
    return [
        {"key": key, "label": label, "period": preset_period(key, today)}
        for key, (label, _) in PRESETS.items()
    ]
