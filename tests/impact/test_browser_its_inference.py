"""In a real browser: an analyst opens an ITS run and reads HAC beside the placebo test, with the
disagreement flagged (#16)."""

import os

import pytest

from impact import services
from impact.forms import ItsRunForm
from vmi_programme.models import JobStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_reads_hac_beside_the_placebo_test_and_sees_the_disagreement(
    page, fft_data, trust, analyst
):
    form = ItsRunForm(
        {
            "measure": "fft_ae_recommend",
            "trust": trust.ods_code,
            "intervention": "2015-07",
            "seasonality": "month",
            "errors": "hac",
            "with_peers": True,
        }
    )
    assert form.is_valid(), form.errors
    job = services.submit_its_run(form.parameters(), trust=trust)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    page.login("analyst")
    page.goto(f"/impact/its/{job.pk}/")
    page.wait_for_selector("#placebo-table")
    assert page.locator("#inference-disagree").is_visible()
    rows = page.locator("#placebo-table tbody tr").all_inner_texts()
    assert len(rows) == 3
    slope = next(r for r in rows if "slope_change_difference" in r)
    assert "Disagree" in slope and "p = .200" in slope
    page.locator("#inference").scroll_into_view_if_needed()
    if path := os.environ.get("VMI_SCREENSHOT"):
        page.screenshot(path=path, full_page=True)
