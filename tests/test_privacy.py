"""People's data under UK GDPR (#15 item 3): subject access, erasure, retention, on the demo."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from tests.factories import user_with_roles
from vmi_programme import jobs, privacy
from vmi_programme.models import Job, Person, Pseudonym, Role

pytestmark = pytest.mark.django_db


def _unique(name: str) -> bool:
    # Nobody else's name holds this one (else "appears nowhere" would find them, rightly).
    return Person.objects.filter(full_name__icontains=name).count() == 1


@pytest.fixture
def subject(demo_seeded):
    """Someone who named colleagues, was named, and answered a survey, with a unique name."""
    candidates = (
        Person.objects.filter(
            nominations_made__isnull=False,
            nominations_received__isnull=False,
            survey_invitations__response__answers__isnull=False,
        )
        .distinct()
        .order_by("pk")
    )
    person = next(p for p in candidates if _unique(p.full_name))
    # An account and a role, so their name is in the user table and the audit trail's history.
    account = user_with_roles(person.organisation, username="subject.account")
    Person.objects.filter(user=account).delete()
    person.user = account
    person.email = "subject.person@example.nhs.uk"
    person.save()
    person.role_assignments.create(role=Role.ANALYST)
    return person


@pytest.fixture
def trust_admin(subject):
    return user_with_roles(subject.organisation, Role.TRUST_ADMIN, username="tadmin")


def _tables():
    from dashboards import partnership

    return json.dumps(
        [
            (t.key, t.title, t.columns, t.rows, t.notes, t.cautions, t.missing)
            for t in partnership.build()
        ],
        default=str,
    )


def _run(kind, parameters, organisation, capture):
    with capture(execute=True):  # the job is handed over after the commit
        job = jobs.submit(kind, parameters, organisation=organisation)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    return job


def _networks(person):
    """The subject's trust's network summaries: the stored result of each wave they are in."""
    waves = set(person.nominations_made.values_list("wave_id", flat=True))
    return {
        wave: jobs.latest_result(
            "networks.summarise", organisation=person.organisation, wave=wave
        ).result
        for wave in waves
    }


def _everywhere(needle: str) -> list[str]:
    """Where ``needle`` is stored: every text and JSON column of every table (history too)."""
    found = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            manager = model._base_manager
            if isinstance(f, models.CharField | models.TextField):
                if manager.filter(**{f"{f.attname}__icontains": needle}).exists():
                    found.append(f"{model._meta.label}.{f.name}")
            elif isinstance(f, models.JSONField):
                for value in manager.values_list(f.attname, flat=True).iterator():
                    if needle.lower() in json.dumps(value, ensure_ascii=False).lower():
                        found.append(f"{model._meta.label}.{f.name}")
                        break
    return found


def test_erasure_removes_the_name_everywhere_keeps_every_table_and_is_audited(
    client, subject, trust_admin, jobs_run_here, django_capture_on_commit_callbacks
):
    name, email, pk = subject.full_name, subject.email, subject.pk
    # A stored analysis result naming them (a result written by an older version, say).
    Job.objects.create(
        kind="programme.echo",
        status="succeeded",
        organisation=subject.organisation,
        result={"brokers": [name], name: 3},
    )
    assert _everywhere(name)  # it is there to begin with: the check can fail
    tables, networks = _tables(), _networks(subject)
    assert networks

    c = client
    c.force_login(trust_admin)
    assert c.post(reverse("person-erase", args=[pk]), {"confirm": "wrong"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("person-erase", args=[pk]), {"confirm": name})
    assert response.status_code == 302
    job = Job.objects.get(kind="programme.erase_person")
    assert job.status == "succeeded", job.error
    assert job.result["history_rows"] > 0 and job.result["json_values"] >= 1

    subject.refresh_from_db()
    assert subject.full_name == privacy.ERASED_NAME and subject.erased_at is not None
    assert not subject.user.is_active and not subject.user.has_usable_password()
    # Nowhere in the database: records, history tables, stored results, the user table.
    assert _everywhere(name) == [] and _everywhere(email) == []
    assert _everywhere("subject.account") == []
    # Nor on the pages, the API or the export.
    admin = user_with_roles(subject.organisation, Role.ADMINISTRATOR, username="sysadmin")
    c.force_login(admin)
    pages = [
        reverse("person-detail", args=[pk]),
        reverse("people-list") + "?q=" + name.split()[-1],
        reverse("audit-trail"),
        reverse("audit-trail") + "?kind=vmi_programme.person",
        reverse("audit-trail") + "?kind=networks.nomination",
        f"/api/people/{pk}/",
        reverse("person-export", args=[pk]),
    ]
    for url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        assert name.encode() not in response.content, url
    # Every published table, and every network summary, is as it was: stored and recomputed.
    assert _tables() == tables
    assert _networks(subject) == networks
    for wave, before in networks.items():
        again = _run(
            "networks.summarise",
            {"wave": wave},
            subject.organisation,
            django_capture_on_commit_callbacks,
        )
        assert again.result == before
    # The network still has them, as an anonymous node with every tie.
    assert subject.nominations_made.exists() and subject.nominations_received.exists()
    assert not subject.nominations_received.exclude(named_as="").exists()
    # The audit trail records who erased them, when and how.
    erased = Person.history.filter(id=pk).latest("history_date")
    assert (erased.history_type, erased.history_user, erased.history_source) == (
        "~",
        trust_admin,
        "job",
    )
    assert erased.erased_at is not None


def test_a_subject_access_export_holds_everything_about_them_and_nobody_else(
    client, subject, trust_admin
):
    from training.models import Answer

    client.force_login(trust_admin)
    response = client.get(reverse("person-export", args=[subject.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["full_name"] == subject.full_name
    assert data["account"]["username"] == "subject.account"
    assert data["roles"] == ["Analyst"]
    records = data["records"]
    made, received = records["Nominations (respondent)"], records["Nominations naming them"]
    assert len(made) == subject.nominations_made.count() > 0
    assert len(received) == subject.nominations_received.count() > 0
    answers = records["Survey answers"]
    assert len(answers) == Answer.objects.filter(response__invitation__person=subject).count() > 0
    # Other people in those rows are not named (but for the names the subject typed).
    typed = {n.alter.full_name for n in subject.nominations_made.all()}
    others = {n.respondent.full_name for n in subject.nominations_received.all()} - typed
    assert others and all(other.encode() not in response.content for other in others)
    assert {row["respondent"] for row in received} == {privacy.ANOTHER_PERSON}
    assert {row["alter"] for row in made} == {privacy.ANOTHER_PERSON}


def _same_summary(after: dict, before: dict) -> None:
    assert after.keys() == before.keys()
    for key, value in before.items():
        if isinstance(value, float):
            assert after[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert after[key] == value, key


def test_retention_pseudonymises_old_survey_records_keeping_each_wave_s_network(
    subject, settings, django_capture_on_commit_callbacks, jobs_run_here
):
    from networks.models import Nomination
    from training.models import Invitation

    settings.PRIVACY_SURVEY_RESPONSE_RETENTION_DAYS = 0
    settings.PRIVACY_NOMINATION_RETENTION_DAYS = 0
    today = dt.date.today()
    expired = Nomination.objects.filter(wave__closes_on__lt=today)
    assert expired.exists()
    wave = subject.nominations_made.filter(wave__closes_on__lt=today).first().wave
    org = subject.organisation
    before = _networks(subject)[wave.pk]
    ties_before = expired.count()

    job = _run("programme.apply_retention", {}, None, django_capture_on_commit_callbacks)
    assert job.result["Nominations"] == ties_before
    assert expired.count() == ties_before
    # No past wave's invitation or nomination names a real person now.
    assert not expired.filter(respondent__erased_at__isnull=True).exists()
    assert not expired.filter(alter__erased_at__isnull=True).exists()
    assert not Invitation.objects.filter(
        wave__closes_on__lt=today, person__erased_at__isnull=True
    ).exists()
    assert not subject.nominations_made.filter(wave=wave).exists()
    # One stand-in per person and wave, shared by their invitation and their nominations.
    for invitation in Invitation.objects.filter(wave=wave, person__organisation=org)[:20]:
        if hasattr(invitation, "response"):
            assert {
                n.respondent_id for n in Nomination.objects.filter(response=invitation.response)
            } <= {invitation.person_id}
    assert not Pseudonym.objects.exists()  # every group is done: the links are gone
    # The wave's network is the same network, under other names.
    again = _run("networks.summarise", {"wave": wave.pk}, org, django_capture_on_commit_callbacks)
    # (the same graph; only the order of the nodes, and so the last digit of a float, differs)
    _same_summary(again.result["summary"], before["summary"])
    assert again.result["ties_by_interaction"] == before["ties_by_interaction"]
    # Run again: nothing left to do.
    assert privacy.apply_retention() == {
        "Survey responses": 0,
        "Nominations": 0,
        "stand-in links removed": 0,
    }
