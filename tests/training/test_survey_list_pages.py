"""The survey list is paged on the server, with a fixed number of queries at any size."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from training.models import Question, QuestionKind, Survey, SurveySection
from training.views_surveys import SURVEYS_PAGE_SIZE

pytestmark = pytest.mark.django_db


def add_surveys(first: int, count: int, organisation) -> None:
    """Surveys S000… of the trust (created out of title order), each with two questions."""
    surveys = Survey.objects.bulk_create(
        Survey(organisation=organisation, title=f"Survey {i:03}")
        for i in reversed(range(first, first + count))
    )
    sections = SurveySection.objects.bulk_create(
        SurveySection(survey=s, order=1, key="main", title="Main") for s in surveys
    )
    Question.objects.bulk_create(
        Question(
            section=section, order=order, code=f"q{order}", text="?", kind=QuestionKind.FREE_TEXT
        )
        for section in sections
        for order in (1, 2)
    )


def pks_in_order(html: str) -> list[str]:
    return re.findall(r'data-survey="(\d+)"', html)


def titles(html: str) -> list[str]:
    return re.findall(r'data-survey="\d+"><td class="nhsuk-table__cell"><a [^>]*>([^<]+)</a>', html)


def queries_for(client, path: str) -> tuple[int, str]:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
    return len(queries), html


def test_the_survey_list_pages_with_the_same_queries_at_two_sizes(
    client, kpo_user, trust, other_trust
):
    client.force_login(kpo_user)
    add_surveys(900, 5, other_trust)  # another trust's: never listed for this KPO
    counts = []
    for first, count in ((0, 2), (2, SURVEYS_PAGE_SIZE * 2)):
        add_surveys(first, count, trust)
        n, html = queries_for(client, "/training/surveys/manage/")
        counts.append(n)
        total = first + count
        assert titles(html) == [f"Survey {i:03}" for i in range(min(total, SURVEYS_PAGE_SIZE))]
    assert counts[0] == counts[1], counts

    html = client.get("/training/surveys/manage/").content.decode()
    assert "Page 2 of 3" in html
    row = re.search(r'data-survey="\d+">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"--numeric\">(\d+)</td>", row) == ["2", "0"]  # questions, waves
    second = client.get("/training/surveys/manage/?page=2").content.decode()
    assert titles(second) == [f"Survey {i:03}" for i in range(25, 50)]
    last = client.get("/training/surveys/manage/?page=3").content.decode()
    assert titles(last) == ["Survey 050", "Survey 051"]
