"""Versioning: renegotiation makes a new version, earlier ones stay readable, and the diff shows it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from compact import services
from compact.models import CompactVersion, Heading, PartyType

D = dt.date


@pytest.fixture
def renegotiated(base_promises):
    promises = [p for p in base_promises if p["key"] != "reg-open"]  # removed
    promises[-1]["text"] = "Support board stability, longevity and succession"  # changed
    promises.append(
        {
            "key": "hosp-call-out",
            "party": PartyType.HOSPITAL,
            "heading": Heading.LISTENING,
            "text": "Call out a breach of the compact at the TGB",
        }
    )
    return promises


def test_compact_starts_at_version_one_with_its_promises(compact, base_promises):
    version = compact.versions.get()
    assert version.number == 1
    assert sorted(version.promises.values_list("key", flat=True)) == sorted(
        p["key"] for p in base_promises
    )


def test_renegotiation_makes_a_new_version_and_leaves_the_old_one_as_it_was(compact, renegotiated):
    new = services.renegotiate(
        compact,
        shared_vision="The safest in the country, together.",
        promises=renegotiated,
        effective_from=D(2019, 4, 1),
        change_note="Board stability: succession added after the 2018 breach.",
    )
    assert new.number == 2
    old = compact.versions.get(number=1)
    assert old.promises.get(key="hosp-stability").text == "Support board stability and longevity"
    assert old.promises.filter(key="reg-open").exists()
    assert services.version_in_force(compact, D(2019, 3, 31)) == old
    assert services.version_in_force(compact, D(2019, 4, 1)) == new


def test_renegotiation_must_take_effect_after_the_latest_version(compact, base_promises):
    with pytest.raises(ValidationError) as excinfo:
        services.renegotiate(
            compact,
            shared_vision="x",
            promises=base_promises,
            effective_from=D(2015, 7, 1),
            change_note="Again",
        )
    assert "effective_from" in excinfo.value.message_dict
    assert CompactVersion.objects.count() == 1


def test_renegotiation_needs_a_note_and_promises_with_distinct_keys(compact, base_promises):
    with pytest.raises(ValidationError, match="Say what was renegotiated"):
        services.renegotiate(
            compact,
            shared_vision="x",
            promises=base_promises,
            effective_from=D(2019, 1, 1),
            change_note=" ",
        )
    with pytest.raises(ValidationError, match="its own key"):
        services.renegotiate(
            compact,
            shared_vision="x",
            promises=base_promises + base_promises[:1],
            effective_from=D(2019, 1, 1),
            change_note="Dup",
        )


def test_diff_page_shows_added_removed_and_reworded_promises(
    client, compact, ceo_user, renegotiated
):
    services.renegotiate(
        compact,
        shared_vision=compact.versions.get().shared_vision,
        promises=renegotiated,
        effective_from=D(2019, 4, 1),
        change_note="Succession",
    )
    client.force_login(ceo_user)
    response = client.get(f"/compact/{compact.pk}/diff/?from=1&to=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Added" in html and "Call out a breach of the compact at the TGB" in html
    assert "Removed" in html and "Behave in a positive, respectful and consistent way" in html
    assert "Changed" in html
    assert '<span class="nhsuk-u-visually-hidden">added: </span>stability, longevity' in html
    assert "2 promises unchanged" in html


def test_earlier_versions_stay_readable(client, compact, kpo_user, renegotiated):
    services.renegotiate(
        compact,
        shared_vision="New vision",
        promises=renegotiated,
        effective_from=D(2019, 4, 1),
        change_note="Succession",
    )
    client.force_login(kpo_user)
    response = client.get(f"/compact/{compact.pk}/versions/1/")
    assert response.status_code == 200
    assert "Behave in a positive, respectful and consistent way" in response.content.decode()
    listing = client.get(f"/compact/{compact.pk}/versions/").content.decode()
    assert "Version 2" in listing and "Compare with version 1" in listing
