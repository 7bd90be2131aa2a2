"""Every TGB agenda ends with the locked "Reflections on the compact", linked to the version in force."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from compact import services
from compact.models import CompactVersion
from governance.models import MeetingKind
from governance.services import meetings as meeting_services

D = dt.date


def linked_versions(item):
    version_type = ContentType.objects.get_for_model(CompactVersion)
    return [link.object_id for link in item.links.filter(content_type=version_type)]


def test_a_new_tgb_meeting_closes_with_the_locked_reflections_item(compact, tgb):
    meeting = meeting_services.create_meeting(
        tgb, D(2017, 3, 7), agenda=[{"title": "Progress from each trust"}]
    )
    items = list(meeting.agenda_items.order_by("order"))
    assert [i.title for i in items] == ["Progress from each trust", "Reflections on the compact"]
    assert items[-1].is_locked
    assert linked_versions(items[-1]) == [compact.versions.get(number=1).pk]


def test_items_added_later_go_before_the_closing_item(compact, tgb):
    meeting = meeting_services.create_meeting(tgb, D(2017, 3, 7))
    meeting_services.add_agenda_item(meeting, "Sensei's observations")
    meeting_services.add_agenda_item(meeting, "Value-stream report")
    assert [i.title for i in meeting.agenda_items.order_by("order")] == [
        "Sensei's observations",
        "Value-stream report",
        "Reflections on the compact",
    ]


def test_the_closing_item_cannot_be_removed_or_retitled(compact, tgb):
    meeting = meeting_services.create_meeting(tgb, D(2017, 3, 7))
    closing = meeting.agenda_items.get()
    with pytest.raises(ValidationError):
        meeting_services.remove_agenda_item(closing)
    with pytest.raises(ValidationError):
        closing.delete()
    with pytest.raises(ValidationError):
        meeting_services.update_agenda_item(closing, title="Any other business")
    assert meeting.agenda_items.get().title == "Reflections on the compact"


def test_other_meetings_get_no_reflections_item(compact, trust):
    tgt = meeting_services.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    meeting = meeting_services.create_meeting(tgt, D(2017, 3, 7))
    assert not meeting.agenda_items.exists()


def test_a_meeting_after_a_renegotiation_links_the_new_version(compact, tgb, base_promises):
    before = meeting_services.create_meeting(tgb, D(2019, 3, 5))
    new = services.renegotiate(
        compact,
        shared_vision="v2",
        promises=base_promises,
        effective_from=D(2019, 4, 1),
        change_note="Reworded",
    )
    after = meeting_services.create_meeting(tgb, D(2019, 4, 2))
    assert linked_versions(before.agenda_items.get()) == [compact.versions.get(number=1).pk]
    assert linked_versions(after.agenda_items.get()) == [new.pk]


def test_meetings_created_before_the_compact_get_the_item_when_it_is_made(
    partnership, tgb, base_promises
):
    early = meeting_services.create_meeting(tgb, D(2015, 9, 1), agenda=[{"title": "Welcome"}])
    closing = early.agenda_items.get(is_locked=True)
    assert linked_versions(closing) == []  # no compact yet, but the item is already there
    compact = services.create_compact(
        partnership,
        tgb,
        "Compact",
        shared_vision="v",
        promises=base_promises,
        effective_from=D(2015, 7, 1),
    )
    assert linked_versions(closing) == [compact.versions.get().pk]
    assert early.agenda_items.filter(title="Reflections on the compact").count() == 1
