"""In a real browser (#17): the regulator adds a measure and changes it; a trust's analyst
records a characteristic of the trust, pages through the list, and changes the trust's peers
starting from the current group; no Content-Security-Policy violation on the way."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import OrganisationFactory, user_with_roles
from impact import services
from impact.models import Measure, OrganisationCharacteristic, PeerGroup
from impact.views_manage import CHARACTERISTICS_PAGE_SIZE
from vmi_programme.models import OrganisationKind, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_regulator_adds_a_measure_and_corrects_a_refused_era(page, regulator_user):
    page.login("regulator")
    page.goto("/impact/measures/")
    page.click("text=Add a measure")
    page.fill("#id_code", "sickness_absence")
    page.fill("#id_name", "Sickness absence")
    page.fill("#id_unit", "%")
    page.select_option("#id_direction", "lower")
    page.fill("#id_valid_from", "2020-04-01")
    page.fill("#id_valid_to", "2019-04-01")
    page.click("button:has-text('Add measure')")
    # Refused on the field, with everything typed still there.
    page.wait_for_selector(".nhsuk-error-summary")
    assert "The era cannot end before it starts." in page.inner_text(".nhsuk-error-summary")
    assert page.input_value("#id_name") == "Sickness absence"
    page.fill("#id_valid_to", "2024-03-01")
    page.click("button:has-text('Add measure')")
    page.wait_for_selector("h1:has-text('Sickness absence')")
    page.click("text=Change this measure's definition")
    page.fill("#id_name", "Sickness absence rate")
    page.click("button:has-text('Save')")
    page.wait_for_selector("h1:has-text('Sickness absence rate')")
    assert Measure.objects.get().valid_to == dt.date(2024, 3, 1)


def test_an_analyst_records_a_characteristic_and_changes_the_peers(page, trust):
    user_with_roles(trust, Role.ANALYST, username="analyst")
    for i in range(3):
        OrganisationFactory(kind=OrganisationKind.PEER_TRUST, short_name=f"P{i}", ods_code=f"RP{i}")
    services.set_characteristics(
        [(trust, f"feature_{n:03}", float(n)) for n in range(CHARACTERISTICS_PAGE_SIZE)],
        as_of=dt.date(2019, 3, 31),
    )
    services.set_manual_peers(trust, ["RP0", "RP1"])
    page.login("analyst")
    page.goto("/impact/characteristics/")
    page.click("text=Add a characteristic")
    page.select_option("#id_organisation", str(trust.pk))
    page.fill("#id_name", "zz_beds")
    page.fill("#id_value", "612")
    page.fill("#id_as_of", "2019-03-31")
    page.click("button:has-text('Add characteristic')")
    page.wait_for_selector("text=Characteristic added.")
    # The new one sorts last: on the second page, reached by the pager.
    page.click(".nhsuk-pagination__link--next")
    page.wait_for_selector("text=zz_beds")
    assert OrganisationCharacteristic.objects.get(name="zz_beds").value == 612.0

    page.goto(f"/impact/peers/{trust.ods_code}/")
    page.click("text=Change the peers, starting from these")
    assert page.input_value("#id_peers") == "RP0\nRP1"
    page.fill("#id_peers", "RP1\nRP2")
    page.click("button:has-text('Record these peers')")
    page.wait_for_selector("text=Peers changed")
    assert PeerGroup.objects.filter(trust=trust).count() == 2
    assert "P2 (RP2)" in page.inner_text("main")
