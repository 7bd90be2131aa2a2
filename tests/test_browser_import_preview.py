"""In a real browser, a checked import's preview of a wide file scrolls sideways in its box, with
rows of normal height (it was reported clipped after a few columns, with rows 450 px tall)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rpiw import services
from rpiw.imports import COLUMNS
from vmi_programme import imports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    "SASH,Outpatients,SASH-RPIW-050,Clinic letters to GPs sent within a week,2019-01-07,"
    "2019-01-11,Lead time: dictation to letter sent,lead_time,hours,baseline,40,,,2018-12-20",
    "SASH,Outpatients,SASH-RPIW-050,,,,Lead time: dictation to letter sent,,,30,22,,,2019-02-11",
    "SASH,Outpatients,SASH-RPIW-050,,,,Letters with errors,defect_ratio,,baseline,,12,40,"
    "2018-12-20",
    # a row with problems: its messages are long and must not stretch the row
    "SASH,Outpatients,SASH-RPIW-050,,,,Letters with errors,not_a_type,,999,,-3,forty,31/02/2019",
]


def wide_batch(user, trust):
    body = "\n".join([",".join(c.heading for c in COLUMNS), *ROWS]) + "\n"
    spec = imports.get_spec("rpiw.measures")
    upload = SimpleUploadedFile("rpiw-report.csv", body.encode())
    return imports.preview(spec, upload, user, organisation=trust).batch


def test_a_wide_previews_rows_are_of_normal_height_and_its_table_scrolls_sideways(
    browser_page, kpo_user, trust
):
    services.save_value_stream(
        organisation=trust, name="Outpatients", started_on=dt.date(2016, 1, 4)
    )
    batch = wide_batch(kpo_user, trust)
    page = browser_page
    page.set_viewport_size({"width": 1024, "height": 800})
    page.login("kpo")
    page.goto(f"/imports/batches/{batch.pk}/")
    box = page.locator('[aria-label="The file\'s first rows (scrolls sideways)"]')
    box.wait_for()
    if folder := os.environ.get("VMI_SCREENSHOTS"):  # to look at it: VMI_SCREENSHOTS=/tmp/x
        page.screenshot(path=f"{folder}/import-preview.png", full_page=True)

    rows = box.locator("tbody tr")
    assert rows.count() == len(ROWS)
    heights = [rows.nth(i).bounding_box()["height"] for i in range(rows.count())]
    assert all(h < 80 for h in heights), heights

    geometry = box.evaluate(
        """box => ({
            overflowX: getComputedStyle(box).overflowX,
            scrollWidth: box.scrollWidth,
            clientWidth: box.clientWidth,
            boxRight: box.getBoundingClientRect().right,
            tableWidth: box.querySelector("table").getBoundingClientRect().width,
            pageWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
        })"""
    )
    # the table is wider than its box, and the box scrolls instead of clipping it
    assert geometry["overflowX"] in ("auto", "scroll"), geometry
    assert geometry["scrollWidth"] > geometry["clientWidth"], geometry
    assert geometry["tableWidth"] >= geometry["scrollWidth"] - 1, geometry
    assert geometry["pageWidth"] <= geometry["viewport"], geometry  # the page itself does not
    # each row says where its problems are next to its number, before the file's columns
    assert box.locator("thead th").nth(1).inner_text() == "Problems"
    assert rows.nth(3).locator("td").first.inner_text().startswith("5 problems: Measure type")
    # scrolled to its end, the file's last column is in view within the box
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    last = box.locator("thead th").last
    edge = last.bounding_box()
    assert last.inner_text() == COLUMNS[-1].heading
    assert edge["x"] + edge["width"] <= geometry["boxRight"] + 1, (edge, geometry)
