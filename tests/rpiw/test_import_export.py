"""RPIW template-report import (preview, row errors, all or nothing) and the export round trip."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rpiw import services
from rpiw.imports import COLUMNS
from rpiw.models import Measure, MeasureKind, Measurement, Rpiw
from vmi_programme import imports
from vmi_programme.imports import ImportFailed

pytestmark = pytest.mark.django_db

HEADER = ",".join(c.heading for c in COLUMNS)


def _csv(*rows: str) -> SimpleUploadedFile:
    body = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("report.csv", body.encode())


GOOD = [
    "SASH,Outpatients,SASH-RPIW-050,Clinic letters,2019-01-07,2019-01-11,Lead time,lead_time,hours,baseline,40,,,2018-12-20",
    "SASH,Outpatients,SASH-RPIW-050,,,,Lead time,,,30,22,,,2019-02-11",
    "SASH,Outpatients,SASH-RPIW-050,,,,Letters wrong,defect_ratio,,baseline,,12,40,2018-12-20",
    "SASH,Outpatients,SASH-RPIW-050,,,,Letters wrong,,,90,,3,40,2019-04-12",
]


def _preview(user, trust, *rows):
    spec = imports.get_spec("rpiw.measures")
    return imports.preview(spec, _csv(*rows), user, organisation=trust)


def test_a_template_report_creates_the_rpiw_measures_and_values(kpo_user, trust, value_stream):
    result = _preview(kpo_user, trust, *GOOD)
    assert result.is_valid, result.errors
    assert not Rpiw.objects.exists()  # the preview writes nothing
    summary = imports.commit(result.batch, kpo_user)
    assert summary == {"RPIWs created": 1, "measures created": 2, "measurements": 4}
    rpiw = Rpiw.objects.get(reference="SASH-RPIW-050")
    ratio = Measure.objects.get(rpiw=rpiw, name="Letters wrong")
    assert ratio.kind == MeasureKind.DEFECT_RATIO
    assert Measurement.objects.get(measure=ratio, point=90).ratio == Decimal("0.075")


@pytest.mark.parametrize(
    "row, column, message",
    [
        (
            "XXXX,Outpatients,SASH-RPIW-050,T,2019-01-07,,LT,lead_time,hours,baseline,4,,,",
            "trust",
            "unknown trust",
        ),
        (
            "SASH,Nowhere,SASH-RPIW-050,T,2019-01-07,,LT,lead_time,hours,baseline,4,,,",
            "value_stream",
            "unknown value stream",
        ),
        (
            "SASH,Outpatients,SASH-RPIW-050,T,2019-01-07,,LT,lead_time,hours,baseline,-4,,,",
            "value",
            "negative",
        ),
        (
            "SASH,Outpatients,SASH-RPIW-050,T,2019-01-07,,D,defect_ratio,,baseline,,50,40,",
            "defects",
            "more than the output",
        ),
        (
            "SASH,Outpatients,SASH-RPIW-050,T,2019-01-07,,LT,lead_time,hours,30,4,,,2019-01-02",
            "measured_on",
            "before the workshop",
        ),
        (
            "SASH,Outpatients,SASH-RPIW-050,T,2019-01-07,2019-01-14,LT,lead_time,hours,baseline,4,,,",
            "workshop_end",
            "3–5 days",
        ),
        (
            "SASH,Outpatients,SASH-RPIW-050,T,2019-01-07,,LT,lead_time,weeks,baseline,4,,,",
            "unit",
            "minutes, hours or days",
        ),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(
    kpo_user, trust, value_stream, row, column, message
):
    result = _preview(kpo_user, trust, GOOD[0], row)
    assert not result.is_valid
    [error] = result.errors
    assert (error.row, error.column) == (3, column)
    assert message in error.message
    with pytest.raises(ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not Rpiw.objects.exists() and not Measurement.objects.exists()


def test_a_ninth_measure_in_a_file_is_refused(kpo_user, trust, value_stream):
    rows = [
        f"SASH,Outpatients,SASH-RPIW-050,T,2019-01-07,,M{n},other,,baseline,{n},,,"
        for n in range(9)
    ]
    result = _preview(kpo_user, trust, *rows)
    assert [(e.row, e.column) for e in result.errors] == [(10, "measure")]
    assert "ninth measure" in result.errors[0].message


def test_another_trusts_rows_are_refused(kpo_user, trust, other_trust, value_stream):
    result = _preview(
        kpo_user, trust, "LTHT,Outpatients,SASH-RPIW-050,T,2019-01-07,,LT,other,,baseline,1,,,"
    )
    assert "the trust you import into" in result.errors[0].message


def test_export_then_import_gives_back_the_same_records(client, kpo_user, trust, rpiw, lead_time):
    services.record_measurement(lead_time, 0, value=40, measured_on=dt.date(2018, 12, 20))
    services.record_measurement(lead_time, 30, value=22.5, measured_on=dt.date(2019, 2, 11))
    ratio = services.add_measure(rpiw, kind=MeasureKind.DEFECT_RATIO, name="Letters wrong")
    services.record_measurement(ratio, 0, defects=12, output=40, measured_on=dt.date(2018, 12, 20))
    client.force_login(kpo_user)
    response = client.get(reverse("rpiw:measurement-export") + "?format=xlsx")
    assert response.status_code == 200
    exported = response.content
    before = sorted(
        Measurement.objects.values_list(
            "measure__name", "point", "value", "defects", "output", "measured_on"
        )
    )

    # Wipe the measurements and RPIW, then import the exported file.
    Rpiw.objects.all().delete()
    spec = imports.get_spec("rpiw.measures")
    upload = SimpleUploadedFile("export.xlsx", exported)
    result = imports.preview(spec, upload, kpo_user, organisation=trust)
    assert result.is_valid, result.errors
    imports.commit(result.batch, kpo_user)
    after = sorted(
        Measurement.objects.values_list(
            "measure__name", "point", "value", "defects", "output", "measured_on"
        )
    )
    assert after == before

    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    assert [c.value for c in workbook.active[1]] == [c.heading for c in COLUMNS]


def test_rpiw_list_downloads_as_csv_and_xlsx(client, kpo_user, rpiw):
    client.force_login(kpo_user)
    csv = client.get(reverse("rpiw:rpiw-list") + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "SASH-RPIW-001" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("rpiw:value-stream-list") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.usefixtures("jobs_run_here")
def test_import_pages_work_for_the_rpiw_spec(client, kpo_user, trust, value_stream):
    client.force_login(kpo_user)
    assert client.get(reverse("import-upload", args=["rpiw.measures"])).status_code == 200
    response = client.post(
        reverse("import-upload", args=["rpiw.measures"]),
        {"file": _csv(*GOOD), "organisation": trust.pk},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert "Confirm and import 4 rows" in preview.content.decode()
