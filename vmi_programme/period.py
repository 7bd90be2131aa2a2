"""The reporting period every dashboard panel shares (whole months) and its month arithmetic.

``Period`` is vocabulary the apps need to build their dashboard panels, so it lives in the core;
the presets that depend on the programme's start date stay with the dashboards
(``dashboards.period``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field


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
    # Why the page shows another period than the one asked for (a reversed or unreadable pair).
    notice: str = field(default="", compare=False)

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

    @property
    def months(self) -> int:
        """Calendar months the period touches (at least one)."""
        return max(
            1, (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        )

    def query(self) -> str:
        return f"from={self.start_month}&to={self.end_month}"
