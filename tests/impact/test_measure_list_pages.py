"""The organisational-series measure list is paged on the server with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from impact.models import Measure, SeriesValue
from impact.views import MEASURES_PAGE_SIZE

pytestmark = pytest.mark.django_db


def add_measures(first: int, count: int, organisation) -> None:
    """Measures M000…, created out of name order, each with a few monthly values."""
    created = Measure.objects.bulk_create(
        Measure(code=f"m{i:03}", name=f"Measure {i:03}", direction="higher")
        for i in reversed(range(first, first + count))
    )
    SeriesValue.objects.bulk_create(
        SeriesValue(organisation=organisation, measure=m, period=dt.date(2020, month, 1), value=1)
        for m in created
        for month in range(1, 4)
    )


def codes(html: str) -> list[str]:
    return re.findall(r'data-measure="([^"]+)"', html)


def queries_for(client, path: str) -> tuple[int, str]:
    client.get(path)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as queries:
        html = client.get(path).content.decode()
    return len(queries), html


def test_the_measure_list_pages_with_the_same_queries_at_two_sizes(client, kpo_user, trust):
    client.force_login(kpo_user)
    counts = []
    for first, count in ((0, 3), (3, MEASURES_PAGE_SIZE * 2)):
        add_measures(first, count, trust)
        total = first + count
        n, html = queries_for(client, "/impact/measures/")
        counts.append(n)
        assert codes(html) == [f"m{i:03}" for i in range(min(total, MEASURES_PAGE_SIZE))]
    assert counts[0] == counts[1], counts

    html = client.get("/impact/measures/").content.decode()
    assert "Page 2 of 3" in html and 'href="?page=2"' in html
    row = re.search(r'data-measure="m000">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"--numeric\">(\d+)</td>", row) == ["1", "3"]  # organisations, months
    second = client.get("/impact/measures/?page=2").content.decode()
    assert codes(second) == [f"m{i:03}" for i in range(25, 50)]
    beyond = client.get("/impact/measures/?page=99").content.decode()  # the last page
    assert codes(beyond) == [f"m{i:03}" for i in range(50, 53)]
    assert client.get("/impact/measures/?page=x").status_code == 200


def test_the_measure_list_is_for_people_with_a_role(client, make_user, trust):
    client.force_login(make_user(trust))  # a person with no role
    assert client.get("/impact/measures/").status_code == 403


def test_the_measure_list_refuses_a_post(client, kpo_user):
    client.force_login(kpo_user)
    assert client.post("/impact/measures/").status_code == 405
