"""In a real browser, pages with charts break no rule of the Content-Security-Policy (the
``page`` fixture, tests/conftest.py, also fails a test on any violation it sees)."""

import datetime as dt

import pytest

from governance.models import BoardMeasure, BoardValue, ProductionBoard, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_chart_page_and_the_dashboard_run_without_csp_violations(page, kpo_user, trust):
    team = Team.objects.create(organisation=trust, name="Ward 7")
    board = ProductionBoard.objects.create(team=team, title="Ward 7 board")
    measure = BoardMeasure.objects.create(board=board, name="Discharges before noon", target=10)
    BoardValue.objects.bulk_create(
        BoardValue(
            measure=measure,
            recorded_on=dt.date(2019, 1, 1) + dt.timedelta(days=7 * i),
            value=5 + i % 4,
        )
        for i in range(12)
    )
    page.login("kpo")

    page.goto(f"/daily-work/teams/{team.pk}/")
    page.wait_for_selector(".vmi-chart .main-svg", timeout=20000)  # Plotly drew the chart
    # The NHS.UK frontend's module script (nonce) ran: it marks the body as supported.
    assert "nhsuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert page.csp_violations() == []

    assert page.goto(f"/dashboard/{trust.short_name}/").ok
    page.wait_for_load_state("load")
    assert page.csp_violations() == []


def test_the_api_docs_run_without_csp_violations(page, kpo_user):
    page.login("kpo")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .information-container", timeout=20000)
    assert page.csp_violations() == []


def test_the_rpiw_forms_own_script_runs_under_the_policy(page, kpo_user, trust):
    page.login("kpo")
    assert page.goto("/rpiw/rpiws/new/").ok
    page.wait_for_load_state("load")
    assert page.csp_violations() == []
