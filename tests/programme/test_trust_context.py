"""Table 4.1 is computed from records and matches the published table; context input is validated."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from factories import PersonFactory
from governance import demo as demo_infrastructure
from governance.models import CqcRating
from governance.selectors.context import leadership_stability, table_4_1
from governance.services import context
from vmi_programme import demo

PUBLISHED_4_1 = {
    "SASH": (
        "Good 2014",
        "Outstanding 2019",
        "Outstanding 2021",
        "Michael Wilson since 2010",
        "yes",
    ),
    "LTHT": (
        "Requires improvement 2014",
        "Good 2016",
        "Good 2019",
        "Julian Hartley since 2013",
        "yes (The Leeds Way)",
    ),
    "UHCW": (
        "Requires improvement 2015",
        "Requires improvement 2018",
        "Good 2020",
        "Andy Hardy since 2010",
        "yes (Together Towards World Class)",
    ),
    "SATH": (
        "Requires improvement 2014",
        "Inadequate 2018",
        "Inadequate 2020",
        "Adam Cairns 2010–12, Peter Herring 2012–15, Simon Wright 2015–19, "
        "Paula Clark (interim) 2019–20, Louise Barnett 2020–",
        "no",
    ),
    "BHRUT": (
        "Requires improvement 2015",
        "Requires improvement 2018",
        "Requires improvement 2020",
        "Matthew Hopkins 2014–18, Chris Bown (interim) 2018–19, Tony Chambers 2019–21",
        "no (special measures Dec 2013–Mar 2017)",
    ),
}


@pytest.fixture
def demo_context(db):
    ctx = demo.seed()
    people = {}
    demo_infrastructure._context(ctx, people)
    return ctx


def test_table_4_1_computed_from_demo_records_matches_published(demo_context):
    rows = {
        r.organisation.short_name: (r.cqc_pre, r.cqc_during, r.cqc_latest, r.ceo, r.cultural_work)
        for r in table_4_1(as_of=dt.date(2024, 1, 1))
    }
    assert rows == PUBLISHED_4_1


def test_table_4_1_page_shows_the_published_cells(demo_context, client, make_user):
    user = make_user(demo_context.regulator, "regulator", username="reg")
    client.force_login(user)
    page = client.get("/trust-context/").content.decode()
    for cells in PUBLISHED_4_1.values():
        for cell in cells:
            assert f">{cell}</td>" in page


def test_leadership_stability_counts_ceo_changes_in_the_period(demo_context):
    changes = {
        row.organisation.short_name: row.changes
        for row in leadership_stability(dt.date(2015, 7, 1), dt.date(2021, 3, 31))
    }
    assert changes == {"SASH": 0, "LTHT": 0, "UHCW": 0, "SATH": 3, "BHRUT": 2}


def test_rating_outside_the_four_cqc_values_is_refused_on_rating(trust):
    with pytest.raises(ValidationError) as excinfo:
        context.record_cqc_rating(trust, "excellent", dt.date(2019, 1, 1))
    assert "rating" in excinfo.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        CqcRating.objects.create(
            organisation=trust, rating="excellent", published_on=dt.date(2019, 1, 1)
        )


def test_overlapping_substantive_ceo_tenures_are_refused_on_started_on(trust):
    first = PersonFactory(organisation=trust, full_name="Simon Wright")
    context.record_ceo_tenure(trust, first, dt.date(2015, 10, 1), dt.date(2019, 3, 31))
    with pytest.raises(ValidationError) as excinfo:
        context.record_ceo_tenure(trust, PersonFactory(organisation=trust), dt.date(2019, 1, 1))
    assert "Simon Wright" in excinfo.value.message_dict["started_on"][0]
    # an interim CEO may overlap, and a successor may start the day after
    context.record_ceo_tenure(
        trust, PersonFactory(organisation=trust), dt.date(2019, 1, 1), is_interim=True
    )
    context.record_ceo_tenure(trust, PersonFactory(organisation=trust), dt.date(2019, 4, 1))
