"""After the demo seed, the Table 5.1 and Table 5.2 pages show the published figures."""

import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

# PUBLISHED_FIGURES.md, Table 5.1 (as of March 2021)
TABLE_5_1 = {
    "BHRUT": ["6,500", "60", "54", "27", "0", "87", "54", "2%"],
    "LTHT": ["17,500", "103", "353", "38", "46", "141", "399", "3%"],
    "SATH": ["4,200", "274", "59", "22", "0", "296", "59", "8%"],
    "SASH": ["5,500", "233", "94", "34", "3", "267", "97", "7%"],
    "UHCW": ["8,600", "278", "154", "14", "0", "292", "154", "5%"],
    "Total": ["42,300", "948", "714", "135", "49", "1,083", "763", "4%"],
}
# Table 5.2 (November 2018), columns BHRUT, LTHT, SASH, SATH, UHCW, total
TABLE_5_2 = {
    "invitations": ["103", "205", "188", "114", "155", "765"],
    "responses": ["39", "64", "96", "64", "58", "321"],
    "graduates": ["7", "23", "63", "45", "30", "168"],
    "in_progress": ["30", "40", "31", "17", "26", "144"],
    "by_status": ["37", "63", "94", "62", "56", "312"],
    "response_rate": ["38%", "31%", "51%", "56%", "37%", "42%"],
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def regulator(seeded, client):
    client.force_login(get_user_model().objects.get(username="regulator"))
    return client


def cells(html: str, row_attr: str) -> list[str]:
    row = re.search(rf'<tr class="nhsuk-table__row" {row_attr}>(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    ]


def test_table_5_1_page_matches_the_published_figures(regulator):
    html = regulator.get("/training/table-5-1/?as_of=2021-03-31").content.decode()
    for trust, expected in TABLE_5_1.items():
        assert cells(html, f'data-trust="{trust}"')[1:9] == expected, trust


def test_table_5_1_is_unchanged_today_because_the_records_end_in_march_2021(regulator):
    html = regulator.get("/training/table-5-1/").content.decode()
    assert cells(html, 'data-trust="Total"')[1:9] == TABLE_5_1["Total"]


def test_table_5_1_downloads_as_xlsx_with_the_same_numbers(regulator):
    response = regulator.get("/training/table-5-1/?as_of=2021-03-31&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Total"][1:] == (42300, 948, 714, 135, 49, 1083, 763, 4)


def test_table_5_2_page_matches_the_published_figures(regulator):
    from training.models import SurveyWave

    wave = SurveyWave.objects.get(name="November 2018")
    html = regulator.get(f"/training/surveys/waves/{wave.pk}/").content.decode()
    for row, expected in TABLE_5_2.items():
        assert cells(html, f'data-row="{row}"')[1:] == expected, row
    assert cells(html, 'data-row="completed"')[-1] == "285"
    assert cells(html, 'data-row="completion_rate"')[-1] == "89%"
    assert cells(html, 'data-row="opened"')[-1] == "333"
    headlines = re.search(
        r'<ul class="nhsuk-list nhsuk-list--bullet" id="headlines">(.*?)</ul>', html, re.S
    ).group(1)
    shares = re.findall(r'data-code="(\w+)"><strong>(\d+)%</strong>', headlines)
    assert shares == [
        ("skills_meaningful", "96"),
        ("value_impact", "85"),
        ("belief_colleagues", "65"),
    ]
    assert "Kruskal–Wallis H = " in html and "Pearson chi-square = " in html


def test_ceos_and_executives_take_part_and_are_shown_separately(regulator):
    html = regulator.get("/training/table-5-1/?as_of=2021-03-31").content.decode()
    assert "Michael Wilson, Chief Executive" in html
    assert html.count("Chief Nurse") == 5


def test_the_executives_diffusion_chart_shows_their_trust(seeded, client):
    client.force_login(get_user_model().objects.get(username="ceo.sash"))
    html = client.get("/training/diffusion/?as_of=2021-03-31").content.decode()
    assert "plotly" in html and "Surrey and Sussex" in html
    assert "On 31 March 2021 diffusion was 6.62%." in html  # 364 / 5,500


def test_list_pages_use_a_bounded_number_of_queries(regulator, django_assert_max_num_queries):
    from training.models import SurveyWave

    wave = SurveyWave.objects.get(name="November 2018")
    with django_assert_max_num_queries(15):
        regulator.get("/training/table-5-1/")
    with django_assert_max_num_queries(15):
        regulator.get(f"/training/surveys/waves/{wave.pk}/")
    with django_assert_max_num_queries(12):
        regulator.get("/training/")
    with django_assert_max_num_queries(15):
        regulator.get("/training/overdue/")
