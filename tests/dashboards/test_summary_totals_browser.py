"""In headless Chromium on the demo: the regulator filters the partnership summary by region and
reads which trusts each totals row is over (issue #14)."""

import os

import pytest
from axe_check import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("VMI_SCREENSHOTS", "")  # a folder to keep screenshots in, when set


def test_the_regulator_filters_by_region_and_reads_which_trusts_each_total_is_over(demo_site, page):
    page.login("regulator")
    page.goto("/partnership/")
    page.wait_for_selector("#table-7-1")
    assert page.locator("[data-total-label]").count() == 0  # the published totals, unlabelled
    if SHOTS:
        for key in ("4-1", "5-2", "7-1"):
            page.locator(f"#table-{key}").screenshot(path=f"{SHOTS}/summary-{key}-every-trust.png")
        page.screenshot(path=f"{SHOTS}/summary.png", full_page=True)

    page.select_option("#filter-region", "Midlands")
    page.click("text=Filter trusts")
    page.wait_for_selector("[data-filter-note]")
    assert "region=Midlands" in page.url
    total_7_1 = page.locator('[data-table="7-1"] tr[data-row="Total"]')
    assert "for the 2 trusts shown by the filter" in total_7_1.inner_text()
    assert total_7_1.locator("td").first.inner_text() != "–"
    tests_7_3 = page.locator('[data-table="7-3"] [data-total-label]')
    assert tests_7_3.count() == 3
    assert tests_7_3.first.inner_text() == "over all 5 trusts (not recomputed for a filter)"
    # Tables 4.1 and 5.2 are one row per trust: the filter keeps the two, 5.2's total follows.
    assert page.locator('[data-table="4-1"] tr[data-row]').count() == 2
    total_5_2 = page.locator('[data-table="5-2"] tr[data-row="Total"]')
    assert "for the 2 trusts shown by the filter" in total_5_2.inner_text()
    assert serious_violations(page) == []
    if SHOTS:
        for key in ("4-1", "5-1", "5-2", "7-1", "7-2", "7-3"):
            page.locator(f"#table-{key}").screenshot(path=f"{SHOTS}/summary-{key}-midlands.png")
        page.screenshot(path=f"{SHOTS}/summary-midlands.png", full_page=True)
