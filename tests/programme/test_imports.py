"""The shared import pipeline: reading, header detection, preview, all-or-nothing commit, pages."""

import io
import re

import openpyxl
import pytest
from conftest import jobs_in_process
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import user_with_roles
from vmi_programme import imports
from vmi_programme.exports import export_response
from vmi_programme.imports import Column, ImportFailed, ImportSpec, RowCleaner, RowError
from vmi_programme.models import ImportBatch, ImportStatus, Person, ProfessionalGroup, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_in_process():
    """The import's check and commit jobs run in this process, on the PostgreSQL run too."""
    with jobs_in_process():
        yield


class PeopleImport(ImportSpec):
    name = "tests.people"
    title = "Import people"
    columns = [
        Column("name", "Full name"),
        Column("staff_number", "Staff number", aliases=("assignment number",)),
        Column("group", "Professional group", required=False),
        Column("started", "Start date", required=False),
    ]
    example_rows = [{"name": "Ann Lee", "staff_number": "007", "group": "nursing"}]

    def clean_row(self, row, ctx):
        c = RowCleaner(row)
        groups = {value: value for value in ProfessionalGroup.values}
        return c.result(
            name=c.text("name"),
            staff_number=c.text("staff_number"),
            group=c.choice("group", groups, required=False, default="other"),
            started=c.date("started", required=False),
        )

    def check_rows(self, rows, ctx):
        seen, errors = set(), []
        for number, row in rows:
            if row["staff_number"] in seen:
                errors.append(RowError(number, "staff_number", "duplicate staff number"))
            seen.add(row["staff_number"])
        return errors

    def write(self, rows, ctx):
        for row in rows:
            if row["name"] == "Explode":
                raise ValidationError("The writer refused Explode.")
            Person.objects.create(
                organisation=ctx.organisation,
                full_name=row["name"],
                department=row["staff_number"],
                professional_group=row["group"],
            )
        return {"people": len(rows)}


imports.register(PeopleImport())
SPEC = imports.get_spec("tests.people")


def csv_file(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


GOOD = (
    "Surrey and Sussex Healthcare - staff extract,,,\n"
    "Run on 01/03/2021,,,\n"
    ",,,\n"
    "Full name,Staff Number,Professional group,Start date\n"
    "Ann Lee,007,nursing,2019-04-01\n"
    "Bob Khan,0123,medical,01/05/2019\n"
)


def test_the_header_row_is_found_by_its_labels_below_banner_rows(trust, kpo_user):
    result = imports.preview(SPEC, csv_file(GOOD), kpo_user, organisation=trust)
    assert result.is_valid
    assert [r.number for r in result.rows] == [5, 6]
    assert result.rows[0].cleaned["staff_number"] == "007"  # codes stay strings
    assert result.rows[1].cleaned["started"].isoformat() == "2019-05-01"
    assert result.ignored_headers == []


def test_preview_writes_nothing_and_commit_writes_every_row(trust, kpo_user):
    result = imports.preview(SPEC, csv_file(GOOD), kpo_user, organisation=trust)
    assert not Person.objects.filter(full_name="Ann Lee").exists()
    assert imports.commit(result.batch, kpo_user) == {"people": 2}
    assert set(
        Person.objects.filter(department__in=["007", "0123"]).values_list("full_name", flat=True)
    ) == {"Ann Lee", "Bob Khan"}
    result.batch.refresh_from_db()
    assert result.batch.status == ImportStatus.COMMITTED


def test_a_missing_column_is_named_and_nothing_is_stored_as_valid(trust, kpo_user):
    result = imports.preview(
        SPEC, csv_file("Full name,Group\nAnn,nursing\n"), kpo_user, organisation=trust
    )
    assert not result.is_valid
    assert "Staff number" in str(result.errors[0])
    with pytest.raises(ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not Person.objects.filter(full_name="Ann").exists()


def test_a_bad_date_names_the_row_and_column(trust, kpo_user):
    text = "Full name,Staff number,Start date\nAnn Lee,1,2019-04-01\nBob Khan,2,31/31/2019\n"
    result = imports.preview(SPEC, csv_file(text), kpo_user, organisation=trust)
    assert [str(e) for e in result.errors] == [
        "Row 3, column 'started': '31/31/2019' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    ]


def test_a_failed_commit_writes_nothing(trust, kpo_user):
    text = "Full name,Staff number\nAnn Lee,1\nBob Khan,1\n"
    result = imports.preview(SPEC, csv_file(text), kpo_user, organisation=trust)
    assert [str(e) for e in result.errors] == [
        "Row 3, column 'staff_number': duplicate staff number"
    ]
    with pytest.raises(ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not Person.objects.filter(full_name__in=["Ann Lee", "Bob Khan"]).exists()
    result.batch.refresh_from_db()
    assert result.batch.status == ImportStatus.FAILED


def test_a_writer_error_half_way_rolls_back_the_rows_already_written(trust, kpo_user):
    text = "Full name,Staff number\nAnn Lee,1\nExplode,2\n"
    result = imports.preview(SPEC, csv_file(text), kpo_user, organisation=trust)
    assert result.is_valid
    with pytest.raises(ImportFailed, match="refused Explode"):
        imports.commit(result.batch, kpo_user)
    assert not Person.objects.filter(full_name="Ann Lee").exists()


def test_confirm_writes_the_stored_file_and_only_once(trust, kpo_user):
    result = imports.preview(SPEC, csv_file(GOOD), kpo_user, organisation=trust)
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    imports.commit(batch, kpo_user)
    with pytest.raises(ImportFailed, match="already been imported"):
        imports.commit(batch, kpo_user)
    assert Person.objects.filter(full_name="Ann Lee").count() == 1


def test_xlsx_files_are_read_with_banner_rows_dates_and_numeric_codes(trust, kpo_user):
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NHS extract"])
    sheet.append(["Assignment number", "Full name", "Start date"])
    sheet.append([7, "Ann Lee", dt.datetime(2019, 4, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue())
    result = imports.preview(SPEC, upload, kpo_user, organisation=trust)
    assert result.is_valid, result.errors
    assert result.rows[0].number == 3
    assert result.rows[0].cleaned["staff_number"] == "7"
    assert result.rows[0].cleaned["started"] == dt.date(2019, 4, 1)


def test_an_unsupported_file_type_is_refused_with_a_message(trust, kpo_user):
    upload = SimpleUploadedFile("people.pdf", b"%PDF")
    result = imports.preview(SPEC, upload, kpo_user, organisation=trust)
    assert "CSV" in str(result.errors[0])


def test_nobody_imports_into_another_trust(trust, other_trust, kpo_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.preview(SPEC, csv_file(GOOD), kpo_user, organisation=other_trust)


def test_upload_preview_and_confirm_pages(client, trust, kpo_user):
    client.force_login(kpo_user)
    page = client.get("/imports/tests.people/")
    assert page.status_code == 200 and "Staff number" in page.content.decode()
    response = client.post(
        "/imports/tests.people/", {"file": csv_file(GOOD), "organisation": trust.pk}
    )
    assert response.status_code == 302
    preview_page = client.get(response.url)
    html = preview_page.content.decode()
    assert "Confirm and import 2 rows" in html and "Ann Lee" in html
    assert client.post(response.url).status_code == 405  # the page only shows the check
    confirmed = client.post(f"{response.url}confirm/")
    assert confirmed.status_code == 302
    assert Person.objects.filter(full_name="Bob Khan").exists()


def test_the_preview_page_shows_an_error_summary_naming_rows(client, trust, kpo_user):
    client.force_login(kpo_user)
    text = "Full name,Staff number,Start date\nAnn Lee,1,2019-02-30\n"
    response = client.post(
        "/imports/tests.people/", {"file": csv_file(text), "organisation": trust.pk}
    )
    html = client.get(response.url).content.decode()
    assert "nhsuk-error-summary" in html
    assert "Row 2, column &#x27;Start date&#x27;: &#x27;2019-02-30&#x27; is not a date" in html, (
        re.findall(r"Row 2[^<]*", html)
    )
    assert "Confirm and import" not in html


def test_another_trusts_user_cannot_see_or_confirm_a_batch(client, trust, other_trust, kpo_user):
    result = imports.preview(SPEC, csv_file(GOOD), kpo_user, organisation=trust)
    stranger = user_with_roles(other_trust, Role.KPO_FACILITATOR, username="stranger")
    client.force_login(stranger)
    assert client.get(f"/imports/batches/{result.batch.pk}/").status_code == 403
    assert client.post(f"/imports/batches/{result.batch.pk}/confirm/").status_code == 403
    assert not Person.objects.filter(full_name="Ann Lee").exists()


def test_template_downloads_carry_the_spec_columns(client, kpo_user):
    client.force_login(kpo_user)
    response = client.get("/imports/tests.people/template.csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Full name,Staff number,Professional group,Start date"
    assert "007" in text
    xlsx = client.get("/imports/tests.people/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Full name"


def test_export_response_writes_csv_and_xlsx():
    rows = [{"trust": "SASH", "diffusion": 7}, {"trust": "LTHT", "diffusion": 3}]
    csv_response = export_response(
        rows, "Table 5.1", columns=[("trust", "Trust"), ("diffusion", "Diffusion (%)")]
    )
    assert csv_response["Content-Disposition"] == 'attachment; filename="table-51.csv"'
    assert csv_response.content.decode("utf-8-sig").splitlines() == [
        "Trust,Diffusion (%)",
        "SASH,7",
        "LTHT,3",
    ]
    xlsx = export_response(rows, "t", fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == ["SASH", 7]
