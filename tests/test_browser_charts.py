"""In a real browser, charts made by vmi_programme.charts are drawn (Plotly loads from our files)
without a script error."""

import datetime as dt

import pytest

from governance.models import BoardMeasure, BoardValue, ProductionBoard, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_production_board_run_chart_is_drawn(page, kpo_user, trust):
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
    page.wait_for_selector(".vmi-chart .main-svg", timeout=20000)
    assert page.locator(".vmi-chart .scatterlayer .trace").count() >= 1
