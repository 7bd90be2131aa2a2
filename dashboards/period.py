"""The reporting period every dashboard panel shares: whole months, chosen on the page."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from governance.selectors.context import programme_start


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(text: str | None) -> dt.date | None:
    """'2021-03' → 1 March 2021; None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return None


@dataclass(frozen=True)
class Period:
    """From the first day of ``start``'s month to ``end`` (a month's last day, or today)."""

    start: dt.date
    end: dt.date
    preset: str = ""

    @property
    def label(self) -> str:
        first, last = self.start.strftime("%B %Y"), self.end.strftime("%B %Y")
        return first if first == last else f"{first} to {last}"

    @property
    def start_month(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def end_month(self) -> str:
        return self.end.strftime("%Y-%m")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query(self) -> str:
        return f"from={self.start_month}&to={self.end_month}"


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
