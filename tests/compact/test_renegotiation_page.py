"""Renegotiating the compact in the browser: a new version with promise-level edits, then the
differences it made; only TGB members and the regulator may, and a bad submit writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from compact.models import CompactVersion, Heading, PartyType
from factories import user_with_roles
from vmi_programme.models import Role

D = dt.date


def _url(compact) -> str:
    return f"/compact/{compact.pk}/renegotiate/"


def _post(compact, *, edit=None, drop=(), new=(), **fields):
    """What the page posts: the current promises (in the page's order), edits, new rows."""
    edit = edit or {}
    latest = compact.versions.order_by("-number").first()
    promises = sorted(latest.promises.all(), key=lambda p: (p.party, p.heading, p.order))
    data = {
        "shared_vision": latest.shared_vision,
        "effective_from": "2019-04-01",
        "change_note": "Board stability reworded; open behaviour folded into listening.",
        "agreed_at": "",
        "promises-TOTAL_FORMS": str(len(promises) + 3),
        "promises-INITIAL_FORMS": str(len(promises)),
        "promises-MIN_NUM_FORMS": "0",
        "promises-MAX_NUM_FORMS": "1000",
    }
    for n, promise in enumerate(promises):
        data[f"promises-{n}-key"] = promise.key
        data[f"promises-{n}-party"] = promise.party
        data[f"promises-{n}-heading"] = promise.heading
        data[f"promises-{n}-text"] = edit.get(promise.key, promise.text)
        if promise.key in drop:
            data[f"promises-{n}-drop"] = "on"
    for m, row in enumerate(new, start=len(promises)):
        for name, value in row.items():
            data[f"promises-{m}-{name}"] = value
    data.update(fields)
    return data


@pytest.fixture
def tgb_member(trust, ceo_user, ceo):
    return ceo_user


def test_a_tgb_member_renegotiates_promise_by_promise_and_sees_the_diff(
    client, compact, tgb_member
):
    client.force_login(tgb_member)
    versions_page = client.get(f"/compact/{compact.pk}/versions/").content.decode()
    assert f'href="{_url(compact)}"' in versions_page
    page = client.get(_url(compact))
    assert page.status_code == 200
    assert "hosp-stability" in page.content.decode() and "This makes version 2" in (
        page.content.decode()
    )
    data = _post(
        compact,
        edit={"hosp-stability": "Support board stability, longevity and succession"},
        drop=["reg-open"],
        new=[
            {
                "key": "hosp-call-out",
                "party": PartyType.HOSPITAL,
                "heading": Heading.LISTENING,
                "text": "Call out a breach of the compact at the TGB",
            }
        ],
    )
    response = client.post(_url(compact), data)
    assert response.status_code == 302
    assert response["Location"] == f"/compact/{compact.pk}/diff/?from=1&to=2"
    new = CompactVersion.objects.get(compact=compact, number=2)
    assert new.effective_from == D(2019, 4, 1) and new.created_by == tgb_member
    texts = dict(new.promises.values_list("key", "text"))
    assert set(texts) == {"reg-stability", "hosp-no-surprises", "hosp-stability", "hosp-call-out"}
    assert texts["hosp-stability"] == "Support board stability, longevity and succession"
    # Version 1 is as it was agreed.
    old = CompactVersion.objects.get(compact=compact, number=1)
    assert old.promises.count() == 4
    diff = client.get(response["Location"]).content.decode()
    assert "succession" in diff and "Call out a breach" in diff


def test_a_renegotiation_dated_before_the_current_version_is_refused_with_nothing_written(
    client, compact, tgb_member
):
    client.force_login(tgb_member)
    response = client.post(_url(compact), _post(compact, effective_from="2015-01-01"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_effective_from_error"' in html and "takes effect after version 1" in html
    assert compact.versions.count() == 1


def test_a_renegotiation_without_a_note_or_with_a_blank_promise_is_a_field_error(
    client, compact, tgb_member
):
    client.force_login(tgb_member)
    response = client.post(_url(compact), _post(compact, change_note=""))
    assert response.status_code == 400
    assert 'id="id_change_note_error"' in response.content.decode()
    response = client.post(_url(compact), _post(compact, edit={"reg-open": ""}))
    assert response.status_code == 400
    assert 'id="id_promises-2-text_error"' in response.content.decode()
    assert compact.versions.count() == 1


def test_dropping_every_promise_or_repeating_a_key_is_refused(client, compact, tgb_member):
    client.force_login(tgb_member)
    everything = ["reg-open", "reg-stability", "hosp-no-surprises", "hosp-stability"]
    response = client.post(_url(compact), _post(compact, drop=everything))
    assert response.status_code == 400
    assert "needs at least one promise" in response.content.decode()
    repeated = {"key": "reg-open", "party": "regulator", "heading": "leadership", "text": "Again"}
    response = client.post(_url(compact), _post(compact, new=[repeated]))
    assert response.status_code == 400
    assert "Each promise needs its own key: reg-open." in response.content.decode()
    assert compact.versions.count() == 1


def test_a_trusts_kpo_may_not_renegotiate_and_other_methods_are_refused(
    client, compact, kpo_user, tgb_member
):
    client.force_login(kpo_user)
    assert (
        f'href="{_url(compact)}"'
        not in client.get(f"/compact/{compact.pk}/versions/").content.decode()
    )
    assert client.get(_url(compact)).status_code == 403
    assert client.post(_url(compact), _post(compact)).status_code == 403
    outsider = user_with_roles(compact.partnership.members.last(), Role.EXECUTIVE)
    client.force_login(outsider)
    assert client.post(_url(compact), _post(compact)).status_code == 403
    assert compact.versions.count() == 1
    client.force_login(tgb_member)
    assert client.put(_url(compact)).status_code == 405


def test_the_meeting_that_agreed_it_is_one_of_the_boards_latest_twelve_held(
    client, compact, tgb, tgb_member
):
    """Not ~140 meetings back to 2015 and future ones: the latest 12 held, newest first; an
    older or future one posted anyway is a field error and nothing is written."""
    from governance.services import meetings as meeting_services

    today = dt.date.today()
    held = [
        meeting_services.create_meeting(tgb, today - dt.timedelta(days=28 * n)) for n in range(15)
    ]
    future = meeting_services.create_meeting(tgb, today + dt.timedelta(days=28))
    client.force_login(tgb_member)
    page = client.get(_url(compact))
    offered = list(page.context["form"].fields["agreed_at"].queryset)
    assert offered == held[:12]  # today's included: it has taken place
    select = page.content.decode().split('name="agreed_at"')[1].split("</select>")[0]
    assert select.count("<option") == 13  # and the empty choice: it is optional
    assert f"{held[11].date:%-d %B %Y}" in select and f"{held[12].date:%-d %B %Y}" not in select
    for meeting in (held[12], held[14], future):
        response = client.post(_url(compact), _post(compact, agreed_at=str(meeting.pk)))
        assert response.status_code == 400, meeting.date
        html = response.content.decode()
        assert 'id="id_agreed_at_error"' in html and "latest meetings that have taken place" in html
    assert compact.versions.count() == 1
    response = client.post(_url(compact), _post(compact, agreed_at=str(held[11].pk)))
    assert response.status_code == 302
    assert compact.versions.get(number=2).agreed_at == held[11]
