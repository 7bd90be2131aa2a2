"""National-scale impact series: every standard measure, monthly, for every generated trust.

A random walk per trust and measure from January 2016 to ``AS_AT`` within each measure's era;
ratio measures store their numerator and denominator. Called by
``vmi_programme.demo.scale.generate``.
"""

from __future__ import annotations

import datetime as dt

from impact import services
from impact.models import Computation, SeriesValue
from vmi_programme.demo.scale import AS_AT, ScaleContext, month_starts

FIRST_MONTH = dt.date(2016, 1, 1)


def generate(ctx: ScaleContext) -> None:
    rng = ctx.rng
    measures = sorted(services.ensure_standard_measures().values(), key=lambda m: m.code)
    months = month_starts(FIRST_MONTH, AS_AT)
    writer = ctx.writer(
        SeriesValue, ["organisation_id", "measure_id", "period", "value", "numerator",
                      "denominator", "updated_at"],
    )  # fmt: skip
    stamp = dt.datetime.combine(AS_AT, dt.time(6), tzinfo=dt.UTC)
    for trust in ctx.trusts:
        rows: list[tuple] = []
        for measure in measures:
            era = [
                m
                for m in months
                if (measure.valid_from is None or m >= measure.valid_from)
                and (measure.valid_to is None or m <= measure.valid_to)
            ]
            level = rng.uniform(0.6, 0.95)
            for sid, month in zip(writer.ids(len(era)), era, strict=True):
                level = min(0.99, max(0.05, level + rng.gauss(0, 0.01)))
                if measure.computation == Computation.RATIO:
                    denominator = float(rng.randint(2000, 9000))
                    share = level if measure.direction == "higher" else (1 - level) / 8
                    numerator = round(denominator * share)
                    value = measure.value_from(numerator, denominator)
                    rows.append((sid, trust.organisation.pk, measure.pk, month, value,
                                 float(numerator), denominator, stamp))  # fmt: skip
                else:
                    rows.append((sid, trust.organisation.pk, measure.pk, month,
                                 round(100 * level, 1), None, None, stamp))  # fmt: skip
        ctx.write(SeriesValue, writer.columns[1:], rows)
