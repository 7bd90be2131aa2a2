"""In headless Chromium on the seeded demo: a CEO, the regulator and a KPO use the dashboards,
and axe-core finds no serious or critical accessibility violations on the pages."""

from pathlib import Path

import pytest
from axe_check import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def charts_drawn(page) -> None:
    page.wait_for_selector(".vmi-chart .main-svg", timeout=20000)


def test_ceo_regulator_and_kpo_use_the_dashboards_without_serious_accessibility_violations(
    demo_site, page
):

    # A CEO opens the trust dashboard, changes the period, follows a panel to its detail.
    page.login("ceo.sash")
    page.goto("/dashboard/SASH/")
    charts_drawn(page)
    assert serious_violations(page) == []
    page.fill("#period-from", "2018-01")
    page.fill("#period-to", "2018-12")
    page.click("#period-submit")
    page.wait_for_selector("text=January 2018 to December 2018")
    assert "from=2018-01&to=2018-12" in page.url
    page.click("#panel-pipeline a")
    page.wait_for_load_state()
    assert "/rpiw/rpiws/" in page.url and "trust=SASH" in page.url
    page.goto("/dashboard/LTHT/")
    assert "permission" in page.inner_text("body").lower()

    # The regulator opens the partnership summary and downloads a table.
    page.context.clear_cookies()
    page.login("regulator")
    page.goto("/partnership/")
    charts_drawn(page)
    assert serious_violations(page) == []
    with page.expect_download() as download_info:
        page.locator("#table-5-1 a:has-text('CSV')").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    assert "42300" in Path(download.path()).read_text(encoding="utf-8-sig")
    assert page.locator("#table-5-1 .vmi-image-downloads button").count() == 2  # PNG, SVG

    # A KPO lead opens the TGT report.
    page.context.clear_cookies()
    page.login("kpolead.sash")
    page.goto("/tgt-report/SASH/2021-03/")
    page.wait_for_selector("h1:has-text('March 2021')")
    assert "Actions from the last TGT" in page.inner_text("main")
    assert serious_violations(page) == []
