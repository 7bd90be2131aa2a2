"""Import specs of the impact app: monthly organisational series, NHS A&E files, characteristics."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from vmi_programme.access import Action, Scope, can, scope_of
from vmi_programme.imports import (
    Column,
    DuplicateKeys,
    ImportContext,
    ImportSpec,
    RowCleaner,
    RowError,
    RowInvalid,
    parse_date,
    register,
)
from vmi_programme.models import Organisation

from .models import Computation, Measure, SeriesValue
from .services import (
    MonthValue,
    can_change_series,
    ensure_standard_measures,
    record_values,
    rerun_affected_runs,
    set_characteristics,
)

#: Months outside these are a typing slip (the published series start in the 2000s).
EARLIEST_MONTH = dt.date(1990, 1, 1)
LATEST_MONTH = dt.date(2100, 12, 1)

#: NHS suppression marks: "*" (fewer than 5 responses, or secondary suppression), "-" (not
#: calculable), ".." and "n/a" in some workforce files. They mean missing, never zero.
SUPPRESSED = {"*", "-", "–", "..", "n/a", "na", "x", ":"}


def parse_month(value: str) -> dt.date | None:
    """A month from YYYY-MM, YYYY-MM-DD, DD/MM/YYYY, MMM-YY or "Month YYYY" (first of month),
    or None if it is not one or lies outside 1990–2100."""
    month = _parse_month(value)
    return month if month and EARLIEST_MONTH <= month <= LATEST_MONTH else None


def _parse_month(value: str) -> dt.date | None:
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{1,2}", value):
        year, month = map(int, value.split("-"))
        return dt.date(year, month, 1) if 1 <= month <= 12 else None
    parsed = parse_date(value)
    if parsed:
        return parsed.replace(day=1)
    for fmt in ("%b-%y", "%b %Y", "%B %Y", "%b-%Y", "%B-%Y", "%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().replace(day=1)
        except ValueError:
            continue
    return None


def parse_number(text: str) -> tuple[float | None, str | None]:
    """(number, error) from a cell: "1,234", "94.80%" (→ 94.8). Suppressed cells give (None, None)."""
    text = text.strip().replace(",", "")
    if not text or text.lower() in SUPPRESSED:
        return None, None
    try:
        number = float(text.rstrip("%").strip())
    except ValueError:
        return None, f"'{text}' is not a number (use a number, or * or - for missing)"
    if not math.isfinite(number):  # nan, inf
        return None, f"'{text}' is not a finite number"
    return number, None


class _ImportRules:
    """Organisation lookups and the per-row permission check shared by the specs."""

    def _load_organisations(self, ctx: ImportContext) -> None:
        ctx.state["orgs"] = {o.ods_code: o for o in Organisation.objects.exclude(ods_code=None)}
        ctx.state["organisation_of"] = {}

    def _organisation_of(self, code: str, ctx: ImportContext) -> tuple[Organisation | None, str]:
        """(organisation, "") for a known code the user may change, else (None, the error);
        decided once per code in a file."""
        found = ctx.state["organisation_of"].get(code)
        if found is not None:
            return found
        organisation = ctx.state["orgs"].get(code)
        if organisation is None:
            found = (None, f"'{code}' is not a known organisation code")
        elif not can_change_series(ctx.user, organisation):
            found = (None, f"you may not change the series of {organisation.short_name}")
        else:
            found = (organisation, "")
        ctx.state["organisation_of"][code] = found
        return found

    def _organisation(self, cleaner: RowCleaner, column: str, ctx: ImportContext):
        code = cleaner.text(column).upper()
        if not code:
            return None
        organisation, error = self._organisation_of(code, ctx)
        if error:
            cleaner.error(column, error)
        return organisation

    def authorise(self, ctx: ImportContext) -> None:
        # Rows name their organisations; each row is checked. Here: may the user change any?
        if not (
            can(ctx.user, Action.CHANGE, Scope.partnership())
            or (ctx.organisation is None and _has_own_change(ctx.user))
            or (ctx.organisation is not None and can_change_series(ctx.user, ctx.organisation))
        ):
            raise PermissionDenied("You may not import organisational series.")


def _has_own_change(user: Any) -> bool:
    from vmi_programme.access import relations

    return "own" in relations(user, Action.CHANGE)


class SeriesImport(_ImportRules, ImportSpec):
    """Monthly values of one measure in the layout NHS publishes: organisation code, period,
    value (or numerator and denominator for a ratio measure such as turnover)."""

    name = "impact.series"
    streaming = True
    unknown_columns_allowed = True  # NHS files carry columns we do not read
    title = "Import an organisational series (monthly values)"
    help_text = (
        "One row per organisation and month: organisation (ODS) code, period (YYYY-MM or a "
        "date) and value. Percentages may be '94.80%' or 0.948. '*' and '-' (suppressed, not "
        "calculable) are stored as missing, not zero. For a ratio measure such as staff "
        "turnover give numerator and denominator (leavers, mean headcount) instead of a value. "
        "Existing months are replaced. Name the measure in a 'measure' column or choose it "
        "when uploading."
    )
    organisation_required = False
    success_url_name = "impact:measure-list"
    columns = [
        Column("org_code", "Organisation code", aliases=("Org code", "ODS code", "Code")),
        Column("period", "Period", aliases=("Month", "Date")),
        Column("value", "Value", required=False, aliases=("Percentage", "% recommend")),
        Column("numerator", "Numerator", required=False, aliases=("Leavers",)),
        Column("denominator", "Denominator", required=False, aliases=("Mean headcount",)),
        Column("measure", "Measure", required=False, aliases=("Measure code",)),
    ]
    example_rows = [
        {"org_code": "RTP", "period": "2015-07", "value": "94.80%", "measure": "fft_ae_recommend"},
        {"org_code": "RTP", "period": "2015-08", "value": "*", "measure": "fft_ae_recommend"},
        {"org_code": "RF4", "period": "2015-07", "value": "0.812", "measure": "fft_ae_recommend"},
    ]

    # The PostgreSQL COPY path for large files (vmi_programme/imports/bulk.py): rows are
    # cleaned by the same code into this staging table, then written set-wise.
    staged_columns = (
        ("organisation_id", "integer"),
        ("measure_id", "integer"),
        ("period", "date"),
        ("value", "double precision"),  # before the file's fraction decision (finish_checks)
        ("numerator", "double precision"),
        ("denominator", "double precision"),
        ("plain", "boolean"),  # a value given without '%': read as a fraction if the file says
    )

    def prepare(self, ctx: ImportContext) -> None:
        self._load_organisations(ctx)
        ensure_standard_measures()
        ctx.state["measures"] = {m.code: m for m in Measure.objects.all()}
        ctx.state["months"] = {}
        ctx.state["dates"] = {}
        ctx.state["keys"] = DuplicateKeys()
        ctx.state["plain_percent"] = {}

    def _clean(self, row: dict[str, str], ctx: ImportContext) -> tuple:
        """(organisation, period, measure, value, numerator, denominator, percent sign), or
        RowInvalid naming each bad column: the one cleaning of both paths (row by row and COPY)."""
        errors: dict[str | None, str] = {}
        code = (row.get("org_code") or "").strip().upper()
        organisation = None
        if not code:
            errors["org_code"] = "is required"
        else:
            organisation, error = self._organisation_of(code, ctx)
            if error:
                errors["org_code"] = error
        period_text = (row.get("period") or "").strip()
        period = None
        if not period_text:
            errors["period"] = "is required"
        else:
            months = ctx.state["months"]
            period = months.get(period_text, _UNPARSED)
            if period is _UNPARSED:
                period = parse_month(period_text)
                if len(months) < _MONTHS_CACHED:  # a file has few distinct period cells
                    months[period_text] = period
            if period is None:
                errors["period"] = (
                    f"'{period_text}' is not a month from 1990 to 2100 (use YYYY-MM or a date)"
                )
        code = (row.get("measure") or "").strip() or ctx.options.get("measure", "")
        measure = ctx.state["measures"].get(code)
        if measure is None:
            errors["measure"] = (
                f"'{code}' is not a known measure"
                if code
                else "choose the measure (or add a column)"
            )
        value_text = (row.get("value") or "").strip()
        value, problem = parse_number(value_text)
        if problem:
            errors["value"] = problem
        text = row.get("numerator")  # (most files have no numerator or denominator)
        numerator, problem = parse_number(text) if text else (None, None)
        if problem:
            errors["numerator"] = problem
        text = row.get("denominator")
        denominator, problem = parse_number(text) if text else (None, None)
        if problem:
            errors["denominator"] = problem
        elif denominator is not None and denominator <= 0:
            errors["denominator"] = "must be more than 0"
        if measure is not None and measure.computation == _RATIO:
            if value is None and (numerator is None) != (denominator is None):
                errors.setdefault("denominator", "give both numerator and denominator, or neither")
        elif (numerator is not None or denominator is not None) and measure and value is None:
            errors.setdefault("value", f"{measure.name} takes a value, not a numerator/denominator")
        if errors:
            raise RowInvalid(errors)
        return (
            organisation,
            period,
            measure,
            value,
            numerator,
            denominator,
            value_text.endswith("%"),
        )

    def clean_row(self, row: dict[str, str], ctx: ImportContext) -> dict:
        organisation, period, measure, value, numerator, denominator, percent = self._clean(
            row, ctx
        )
        return {
            "organisation": organisation,
            "period": period,
            "measure": measure,
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "percent_sign": percent,
        }

    def check_row(self, number: int, row: dict, ctx: ImportContext) -> list[RowError]:
        self._note(number, row["organisation"], row["period"], row["measure"], row["value"],
                   row["percent_sign"], ctx)  # fmt: skip
        return []

    @staticmethod
    def _note(
        number: int,
        organisation: Organisation,
        period: dt.date,
        measure: Measure,
        value: float | None,
        percent_sign: bool,
        ctx: ImportContext,
    ) -> None:
        """What the file's checks need from a row: its key, and its plain % values."""
        # (.id, not .pk: Django's pk property costs a call per row on a million rows)
        if value is not None and not percent_sign and measure.unit == "%":
            # (all plain numbers in [0, 1], some strictly between): see _fraction_measures
            plain_percent = ctx.state["plain_percent"]
            seen = plain_percent.get(measure.id)
            if seen is None:  # (not setdefault: its default would be a new list every row)
                seen = plain_percent[measure.id] = [True, False]
            seen[0] = seen[0] and 0 <= value <= 1
            seen[1] = seen[1] or 0 < value < 1
        ctx.state["keys"].add(number, _month_key(organisation.id, period, measure.id))

    def stage_row(self, number: int, row: dict[str, str], ctx: ImportContext) -> str:
        """The row cleaned and checked (as clean_row and check_row), as a line of COPY text."""
        organisation, period, measure, value, numerator, denominator, percent = self._clean(
            row, ctx
        )
        self._note(number, organisation, period, measure, value, percent, ctx)
        plain = value is not None and not percent
        if value is None and measure.computation == _RATIO:
            value = measure.value_from(numerator, denominator)  # as record_values computes it
        dates = ctx.state["dates"]  # each month's COPY text, made once (at most 1,332 months)
        date = dates.get(period)
        if date is None:
            date = dates[period] = period.isoformat()
        return (
            f"{organisation.id}\t{measure.id}\t{date}\t"
            f"{_copy_float(value)}\t{_copy_float(numerator)}\t{_copy_float(denominator)}\t"
            f"{'t' if plain else 'f'}\n"
        )

    def staged_lookups(self, ctx: ImportContext, like: dict | None = None) -> dict:
        """What cleaning the staged rows depended on (the file's organisation codes, who may
        change them, the measures): the commit reuses the staged rows only if it is unchanged."""
        codes = (
            like["organisations"]
            if like
            else [code for code, (org, _) in ctx.state["organisation_of"].items() if org]
        )
        organisations = {}
        for code in sorted(codes):
            organisation, error = self._organisation_of(code, ctx)
            organisations[code] = [organisation.pk if organisation else None, error]
        return {
            "organisations": organisations,
            "measures": {
                m.code: [m.pk, m.computation, m.unit, m.scale, m.name]
                for m in sorted(ctx.state["measures"].values(), key=lambda m: m.code)
            },
            "measure_option": ctx.options.get("measure", ""),
        }

    def write_staged(self, cursor: Any, table: str, ctx: ImportContext) -> dict[str, int]:
        """Upsert the staged rows (the file's fractions × 100) with their history, set-wise."""
        from vmi_programme.imports.bulk import python_float_text, upsert_with_history

        now = timezone.now()
        owners = {
            org.pk: scope_of(SeriesValue(organisation=org)).organisation_id
            for org, _ in ctx.state["organisation_of"].values()
            if org is not None
        }
        written = upsert_with_history(
            cursor,
            SeriesValue,
            columns=[
                "organisation_id",
                "measure_id",
                "period",
                "value",
                "numerator",
                "denominator",
                "updated_at",
            ],
            select=(
                "SELECT organisation_id, measure_id, period,"
                " CASE WHEN plain AND measure_id = ANY(%s) THEN value * 100 ELSE value END,"
                f" numerator, denominator, %s FROM {table}"  # noqa: S608 (our own name)
            ),
            params=[list(ctx.facts.get("fraction_measures", [])), now],
            unique_fields=["organisation_id", "measure_id", "period"],
            update_fields=["value", "numerator", "denominator", "updated_at"],
            # str(SeriesValue): "<measure code> <organisation id> <YYYY-MM>: <value>"
            repr_sql=(
                "m.code || ' ' || up.organisation_id || ' ' || to_char(up.period, 'YYYY-MM')"
                f" || ': ' || {python_float_text('up.value')}"
            ),
            repr_join=f"JOIN {Measure._meta.db_table} AS m ON m.id = up.measure_id",
            owners=owners,
            owner_column="organisation_id",
        )
        cursor.execute(f"SELECT DISTINCT measure_id, organisation_id FROM {table}")  # noqa: S608
        measures = {m.pk: m.code for m in ctx.state["measures"].values()}
        codes = {org.pk: code for code, (org, _) in ctx.state["organisation_of"].items() if org}
        changed = ctx.state.setdefault("changed", defaultdict(set))
        for measure_id, organisation_id in cursor.fetchall():
            changed[measures[measure_id]].add(codes[organisation_id])
        return {"months": written}

    def finish_checks(self, ctx: ImportContext) -> list[RowError]:
        ctx.facts["fraction_measures"] = _fraction_measures(ctx.state.get("plain_percent", {}))
        duplicates = ctx.state.get("keys", DuplicateKeys()).duplicates()
        return [
            RowError(number, "period", f"the same month also appears in row {first}")
            for number, first in duplicates
        ]

    def write_chunk(self, rows: list[dict], ctx: ImportContext) -> dict[str, int]:
        fractions = set(ctx.facts.get("fraction_measures", []))
        by_measure: dict[Measure, list[MonthValue]] = defaultdict(list)
        for row in rows:
            value = row["value"]
            if row["measure"].pk in fractions and value is not None and not row["percent_sign"]:
                value = value * 100
            by_measure[row["measure"]].append(
                MonthValue(
                    row["organisation"], row["period"], value, row["numerator"], row["denominator"]
                )
            )
        months = 0
        for measure, values in by_measure.items():
            months += record_values(measure, values, user=ctx.user, rerun=False)["months"]
            _remember_codes(ctx, measure.code, values)
        return {"months": months}

    def after_write(self, ctx: ImportContext, summary: dict) -> dict:
        return {**summary, "runs re-queued": _rerun(ctx)}


_UNPARSED = object()
_MONTHS_CACHED = 10_000
#: Compared as a plain string, per row: looking the enum member up costs 3 times the comparison.
_RATIO: str = Computation.RATIO.value


def _copy_float(value: float | None) -> str:
    """A float in COPY's text format: repr round-trips exactly; None is NULL."""
    return "\\N" if value is None else repr(value)


def _month_key(organisation_pk: int, period: dt.date, measure_pk: int = 0) -> int:
    """One integer for (organisation, measure, month), for DuplicateKeys."""
    return (organisation_pk << 40) | (measure_pk << 20) | (period.year * 12 + period.month)


def _remember_codes(ctx: ImportContext, measure_code: str, values: list[MonthValue]) -> None:
    codes = ctx.state.setdefault("changed", defaultdict(set))
    codes[measure_code].update(v.organisation.ods_code for v in values)


def _rerun(ctx: ImportContext) -> int:
    """Re-queue the ITS runs the import changed, once for the whole file."""
    return sum(
        rerun_affected_runs(code, codes, user=ctx.user)
        for code, codes in ctx.state.get("changed", {}).items()
    )


def _fraction_measures(plain_percent: dict[int, list[bool]]) -> list[int]:
    """NHS files give percentages as "94.80%" or as 0–1 decimals. For a % measure whose plain
    numbers in this file all lie in [0, 1] (and some strictly between), read them as fractions
    (0.948 → 94.8). Decided per file and measure, not per cell, so a genuine 0.5% among 0–100
    values stays 0.5."""
    return [
        pk
        for pk, (all_in_unit, some_between) in plain_percent.items()
        if all_in_unit and some_between
    ]


class AEAttendancesImport(_ImportRules, ImportSpec):
    """NHS England's monthly A&E file (period, org_code, type, attendances, breaches,
    admissions): type 1 rows become '4-hour performance (type 1)' and 'attendances (type 1)'."""

    name = "impact.ae_attendances"
    streaming = True
    unknown_columns_allowed = True
    title = "Import NHS England A&E attendances (4-hour performance)"
    help_text = (
        "The monthly A&E attendances and emergency admissions file: period, org_code, type, "
        "attendances, breaches, admissions. Type 1 (major A&E) rows are stored as 4-hour "
        "performance (1 − breaches / attendances) and attendances; type 2 and other rows are "
        "read and skipped."
    )
    organisation_required = False
    success_url_name = "impact:measure-list"
    columns = [
        Column("period", "period"),
        Column("org_code", "org_code", aliases=("Org code", "ODS code")),
        Column("type", "type", aliases=("Department type",)),
        Column("attendances", "attendances"),
        Column("breaches", "breaches"),
        Column("admissions", "admissions", required=False),
    ]
    example_rows = [
        {
            "period": "2017-03-01",
            "org_code": "RF4",
            "type": "1",
            "attendances": "21289",
            "breaches": "2879",
            "admissions": "5060",
        }
    ]

    def prepare(self, ctx: ImportContext) -> None:
        self._load_organisations(ctx)
        ctx.state["measures"] = ensure_standard_measures()

    def clean_row(self, row: dict[str, str], ctx: ImportContext) -> dict:
        c = RowCleaner(row)
        kind = c.text("type").lower()
        if kind and kind not in ("1", "2", "other"):
            c.error("type", f"'{kind}' is not 1, 2 or other")
        if kind != "1":  # only type 1 departments are stored; other types need no organisation
            return c.result(skip=True)
        organisation = self._organisation(c, "org_code", ctx)
        period_text = c.text("period")
        period = parse_month(period_text) if period_text else None
        if period_text and period is None:
            c.error(
                "period",
                f"'{period_text}' is not a month from 1990 to 2100 (use YYYY-MM or a date)",
            )
        counts = {}
        for column in ("attendances", "breaches"):
            value, error = parse_number(c.raw(column))
            if error:
                c.error(column, error)
            elif value is not None and (value < 0 or value != int(value)):
                c.error(column, "must be a whole number, 0 or more")
            counts[column] = value
        attendances, breaches = counts["attendances"], counts["breaches"]
        if attendances is not None and breaches is not None and breaches > attendances:
            c.error("breaches", "cannot be more than attendances")
        return c.result(
            skip=False,
            organisation=organisation,
            period=period,
            attendances=attendances,
            breaches=breaches,
        )

    def check_row(self, number: int, row: dict, ctx: ImportContext) -> list[RowError]:
        if not row["skip"]:
            keys = ctx.state.get("keys") or ctx.state.setdefault("keys", DuplicateKeys())
            keys.add(number, _month_key(row["organisation"].pk, row["period"]))
        return []

    def finish_checks(self, ctx: ImportContext) -> list[RowError]:
        duplicates = ctx.state.get("keys", DuplicateKeys()).duplicates()
        return [
            RowError(number, "period", f"type 1 for this month is also in row {first}")
            for number, first in duplicates
        ]

    def write_chunk(self, rows: list[dict], ctx: ImportContext) -> dict[str, int]:
        measures = ctx.state["measures"]
        performance, attendances = [], []
        for row in rows:
            if row["skip"]:
                continue
            total, breaches = row["attendances"], row["breaches"]
            seen_in_time = None if total is None or breaches is None else total - breaches
            performance.append(
                MonthValue(
                    row["organisation"],
                    row["period"],
                    numerator=seen_in_time,
                    denominator=total if total else None,
                )
            )
            attendances.append(MonthValue(row["organisation"], row["period"], value=total))
        skipped = sum(1 for row in rows if row["skip"])
        first = record_values(measures["ae_4h_type1"], performance, user=ctx.user, rerun=False)
        record_values(measures["ae_attendances_type1"], attendances, user=ctx.user, rerun=False)
        _remember_codes(ctx, "ae_4h_type1", performance)
        _remember_codes(ctx, "ae_attendances_type1", attendances)
        return {"type 1 months": first["months"], "other-type rows skipped": skipped}

    def after_write(self, ctx: ImportContext, summary: dict) -> dict:
        organisations = len(ctx.state.get("changed", {}).get("ae_4h_type1", ()))
        reruns = _rerun(ctx)
        return {
            "type 1 months": summary.get("type 1 months", 0),
            "organisations": organisations,
            "other-type rows skipped": summary.get("other-type rows skipped", 0),
            "runs re-queued": reruns,
        }


class CharacteristicsImport(_ImportRules, ImportSpec):
    """Organisation characteristics for peer selection: org_code, name, value, as_of."""

    name = "impact.characteristics"
    unknown_columns_allowed = True
    title = "Import organisation characteristics (for choosing peers)"
    help_text = (
        "One row per organisation and characteristic: organisation code, characteristic name "
        "(lower-case, e.g. log_type1_attendances, deprivation_score), value and the date it "
        "describes. Use any characteristics you like (attendances, deprivation, patient and "
        "location profile)."
    )
    organisation_required = False
    success_url_name = "impact:peer-group-list"
    columns = [
        Column("org_code", "Organisation code", aliases=("ODS code",)),
        Column("name", "Characteristic"),
        Column("value", "Value"),
        Column("as_of", "As of", aliases=("Date",)),
    ]
    example_rows = [
        {"org_code": "RTP", "name": "deprivation_score", "value": "12.4", "as_of": "2019-03-31"}
    ]

    def prepare(self, ctx: ImportContext) -> None:
        self._load_organisations(ctx)

    def clean_row(self, row: dict[str, str], ctx: ImportContext) -> dict:
        c = RowCleaner(row)
        organisation = self._organisation(c, "org_code", ctx)
        name = c.text("name", max_length=80).lower()
        if name and not re.fullmatch(r"[a-z0-9_]+", name):
            c.error("name", "use lower-case letters, digits and _ only")
        value, error = parse_number(c.raw("value"))
        if error:
            c.error("value", error)
        elif value is None:
            c.error("value", "is required (a characteristic cannot be suppressed)")
        as_of = c.date("as_of")
        return c.result(organisation=organisation, name=name, value=value, as_of=as_of)

    def write(self, rows: list[dict], ctx: ImportContext) -> dict:
        by_date: dict[dt.date, list] = defaultdict(list)
        for row in rows:
            by_date[row["as_of"]].append((row["organisation"], row["name"], row["value"]))
        total = sum(set_characteristics(items, as_of) for as_of, items in by_date.items())
        return {"characteristics": total}


register(SeriesImport())
register(AEAttendancesImport())
register(CharacteristicsImport())
