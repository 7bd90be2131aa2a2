"""In a real browser: a KPO lead fixes an SPC chart's baseline with a reason, sees it on the
chart and in the table (who, why), and finds the change in the audit trail."""

import datetime as dt
import os

import numpy as np
import pandas as pd
import pytest

from factories import user_with_roles
from impact import services
from vmi_programme.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kpo_lead_fixes_a_baseline_with_a_reason_and_sees_it_on_the_chart_and_audit(page, trust):
    measure = services.ensure_standard_measures()["staff_turnover"]
    rng = np.random.default_rng(2)
    periods = [p.to_timestamp().date() for p in pd.period_range("2016-01", periods=30, freq="M")]
    headcounts = rng.integers(4000, 6000, 30)
    services.record_values(
        measure,
        [
            services.MonthValue(trust, period, numerator=float(x), denominator=float(d))
            for period, x, d in zip(
                periods, rng.binomial(headcounts, 0.011), headcounts, strict=True
            )
        ],  # fmt: skip
        rerun=False,
    )
    user_with_roles(trust, Role.KPO_LEAD, username="lead", first_name="Lena", last_name="Lead")
    page.login("lead")
    page.goto(f"/impact/measures/staff_turnover/{trust.ods_code}/")
    page.wait_for_selector(".vmi-chart .main-svg", timeout=30000)

    page.check("input[name=change][value=fix]")
    page.select_option("select[name=starts_on]", dt.date(2016, 1, 1).isoformat())
    page.fill("input[name=points]", "18")
    page.fill("textarea[name=reason]", "Baseline before the retention programme")
    with page.expect_navigation():
        page.click("#baseline-form button[type=submit]")
    page.wait_for_selector(".vmi-chart .main-svg", timeout=30000)

    # On the chart: the annotation and the shaded baseline (a Plotly shape).
    annotations = page.locator(".vmi-chart .annotation-text").all_text_contents()
    assert any("Limits fixed: Baseline before the retention" in a for a in annotations)
    assert page.locator(".vmi-chart .shapelayer path").count() >= 2
    if path := os.environ.get("VMI_SCREENSHOT"):
        page.screenshot(path=path, full_page=True)
    # In the table: who and why.
    row = page.locator("#baseline-table tbody tr").first.inner_text()
    assert "Baseline before the retention programme" in row
    assert "Lena Lead" in row
    assert "Limits fixed on 18 points" in row

    page.goto("/audit/")
    trail = page.locator("main").inner_text()
    assert "because Baseline before the retention programme" in trail
    assert "Lena Lead" in trail
