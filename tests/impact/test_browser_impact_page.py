"""In a real browser: a CEO and the regulator read the Impact page, each ITS run's verdict with
its small chart drawn beside it (#17 item 7). VMI_SCREENSHOT_DIR saves what each of them saw."""

import os
from pathlib import Path

import pytest
from axe_check import serious_violations

from factories import OrganisationFactory, user_with_roles
from impact import services
from impact.forms import ItsRunForm
from vmi_programme.models import JobStatus, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _run(trust, measure="fft_ae_recommend"):
    form = ItsRunForm(
        {
            "measure": measure,
            "trust": trust.ods_code,
            "intervention": "2015-07",
            "seasonality": "month",
            "errors": "hac",
        }
    )
    assert form.is_valid(), form.errors
    job = services.submit_its_run(form.parameters(), trust=trust)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def _read_the_impact_page(page, username: str, charts: int, shot: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.login(username)
    page.goto("/impact/")
    page.wait_for_function(
        f"document.querySelectorAll('.vmi-its-small-chart .main-svg').length >= {charts}"
    )
    figures = page.locator(".vmi-its-small-chart figure")
    assert figures.count() == charts
    for n in range(charts):
        figure = figures.nth(n)
        box = figure.locator(".vmi-chart").bounding_box()
        assert box is not None and 140 <= box["height"] <= 160 and box["width"] >= 200
        assert "dashed, the earlier trend carried on" in figure.get_attribute("aria-label")
        assert figure.locator("figcaption").is_visible()
        # observed dots, two fitted segments, the dashed counterfactual
        assert figure.locator(".scatterlayer .trace").count() == 4
        assert figure.locator(".scatterlayer .js-line[style*='dasharray']").count() >= 1
    # The verdict sits in the same row as its chart.
    first_row = page.locator("table.vmi-its-runs tbody tr").first
    assert "Verdict: " in first_row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page) == []
    if directory := os.environ.get("VMI_SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(directory) / shot), full_page=True)
    # On a phone the table scrolls inside its region; the page itself does not widen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert errors == []


def test_a_ceo_reads_their_trusts_run_with_its_small_chart(
    browser_page, fft_data, trust, fill, trend
):
    _run(trust)
    other = OrganisationFactory(short_name="ESHT", ods_code="RXC")
    fill(fft_data, other, trend(83, level=85, change=-0.1, seed=4))
    _run(other)  # another trust's run: not this CEO's to read
    user_with_roles(trust, Role.EXECUTIVE, username="ceo")
    _read_the_impact_page(browser_page, "ceo", charts=1, shot="impact-ceo.png")
    assert "ESHT" not in browser_page.locator("main").inner_text()


def test_the_regulator_reads_every_trusts_runs_each_with_a_small_chart(
    browser_page, fft_data, trust, regulator_user, measures, fill, trend
):
    _run(trust)
    other = OrganisationFactory(short_name="ESHT", ods_code="RXC")
    fill(fft_data, other, trend(83, level=85, change=-0.1, seed=4))
    _run(other)
    turnover = measures["staff_turnover"]
    fill(turnover, trust, trend(83, level=12, slope=0.02, change=-0.06, seed=8))
    _run(trust, measure="staff_turnover")
    _read_the_impact_page(browser_page, "regulator", charts=3, shot="impact-regulator.png")
