"""Daily follow-up reminders: in-app and by email, one per follow-up per day."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.urls import reverse

from rpiw import services, tasks
from rpiw.models import FollowUpReminder, MeasureKind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_rpiw(make_rpiw, kpo_user):
    kpo_user.email = "kpo@example.nhs.uk"
    kpo_user.save()
    kpo_user.person.email = ""
    kpo_user.person.save()
    today = dt.date(2019, 2, 10)
    rpiw = make_rpiw(start=today - dt.timedelta(days=34))  # ends 30 days before today
    for status in ("preparing", "workshop", "follow_up"):
        services.change_status(rpiw, status)
    measure = services.add_measure(rpiw, kind=MeasureKind.LEAD_TIME, name="LT", unit="hours")
    services.record_measurement(measure, 0, value=40)
    return rpiw, measure, today


def test_facilitator_is_reminded_in_app_and_by_email_when_a_follow_up_is_due(due_rpiw, kpo_user):
    rpiw, _, today = due_rpiw
    assert services.send_followup_reminders(today) == {"reminders": 1, "emails": 1}
    note = Notification.objects.get(recipient=kpo_user)
    assert "30-day follow-up is due today" in note.text
    assert note.link == reverse("rpiw:rpiw-detail", args=[rpiw.pk])
    assert mail.outbox[0].to == ["kpo@example.nhs.uk"]


def test_reminders_are_sent_once_per_follow_up_per_day(due_rpiw):
    _, _, today = due_rpiw
    services.send_followup_reminders(today)
    assert services.send_followup_reminders(today) == {"reminders": 0, "emails": 0}
    assert services.send_followup_reminders(today + dt.timedelta(days=1))["reminders"] == 1
    assert FollowUpReminder.objects.count() == 2
    assert "overdue since" in Notification.objects.first().text


def test_no_reminder_once_the_follow_up_is_recorded(due_rpiw):
    _, measure, today = due_rpiw
    services.record_measurement(measure, 30, value=20, measured_on=today)
    assert services.send_followup_reminders(today)["reminders"] == 0


def test_no_reminder_before_the_follow_up_is_due(due_rpiw):
    _, _, today = due_rpiw
    assert services.send_followup_reminders(today - dt.timedelta(days=1))["reminders"] == 0


def test_no_email_without_an_address(due_rpiw, kpo_user):
    kpo_user.email = ""
    kpo_user.save()
    _, _, today = due_rpiw
    assert services.send_followup_reminders(today) == {"reminders": 1, "emails": 0}
    assert not mail.outbox


def test_unread_reminders_show_on_the_landing_page(client, due_rpiw, kpo_user):
    _, _, today = due_rpiw
    services.send_followup_reminders(today)
    client.force_login(kpo_user)
    page = client.get("/").content.decode()
    assert "RPIW reminders (1 unread)" in page
    client.post(reverse("rpiw:notifications-read"), {"next": "/"})
    assert "RPIW reminders" not in client.get("/").content.decode()


def test_the_beat_schedule_runs_the_reminder_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["rpiw-followup-reminders"]
    assert entry["task"] == tasks.send_followup_reminders.name


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders(celery_worker, due_rpiw, kpo_user):
    _, _, today = due_rpiw
    tasks.send_followup_reminders.delay(today.isoformat())
    deadline = time.monotonic() + 30
    while not Notification.objects.filter(recipient=kpo_user).exists():
        assert time.monotonic() < deadline, "the worker sent no reminder"
        time.sleep(0.2)
    tasks.send_followup_reminders.delay(today.isoformat())  # again: still one reminder
    time.sleep(2)
    assert FollowUpReminder.objects.count() == 1
