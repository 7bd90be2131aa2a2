"""The audit trail, app by app: a change made through each app's pages, its API and (where it has
one) its import is recorded with who made it, the change type, where it came from and the trust.

Jobs: no real job kind writes domain rows (``impact.its`` and ``networks.summarise`` store their
result on the Job, which is not audited; ADR 11); a job's writes are covered by
tests/test_audit_trail.py with a test job kind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import jobs_in_process
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from compact import services as compact_services
from compact.models import Breach, BreachState, Heading, PartyType
from factories import OrganisationFactory, PersonFactory, user_with_roles
from governance.models import AttendanceStatus, MeetingKind, Team
from governance.services import meetings as meeting_services
from impact import services as impact_services
from impact.models import Measure as ImpactMeasure
from impact.models import OrganisationCharacteristic, PeerGroup, SeriesValue
from networks.models import Nomination, PersonMerge
from networks.services import NamedPerson, save_name_generator_answer
from rpiw import services as rpiw_services
from rpiw.models import Measurement, Rpiw, TeamMember, ValueStream
from training.models import Enrolment, Module, Programme
from training.surveys import Invitation, Question, QuestionKind, Survey, SurveySection, SurveyWave
from vmi_programme import imports
from vmi_programme.models import OrganisationKind, Partnership, Person, Role

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _jobs_in_process():
    """Imports' check and commit jobs (and any re-run they queue) run here, on PostgreSQL too."""
    with jobs_in_process():
        yield


def latest(model, **filters):
    return model.history.filter(**filters).order_by("-history_date", "-history_id").first()


def assert_recorded(record, kind, source, user, owner_id):
    assert record is not None, "no historical row"
    assert (
        record.history_type,
        record.history_source,
        record.history_user_id,
        record.history_owner_id,
    ) == (kind, source, user.pk, owner_id)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def run_import(spec_name, text, user, **options):
    upload = SimpleUploadedFile("file.csv", text.encode(), content_type="text/csv")
    result = imports.preview(imports.get_spec(spec_name), upload, user, **options)
    assert result.is_valid, [str(e) for e in result.errors]
    return imports.commit(result.batch, user)


# --- rpiw ---------------------------------------------------------------------------------------


@pytest.fixture
def value_stream(trust):
    return rpiw_services.save_value_stream(
        organisation=trust, name="Outpatients", started_on=D(2016, 1, 4)
    )


def test_rpiw_an_rpiw_and_its_team_created_on_the_page_are_recorded_from_the_web(
    client, kpo_user, trust, value_stream
):
    client.force_login(kpo_user)
    response = client.post(
        reverse("rpiw:rpiw-new"),
        {
            "value_stream": value_stream.pk,
            "title": "Clinic letters",
            "workshop_start": "2019-01-07",
            "team-TOTAL_FORMS": "1",
            "team-INITIAL_FORMS": "0",
            "team-0-role": "team_lead",
            "team-0-name": "Ann Lee",
            "measures-TOTAL_FORMS": "0",
            "measures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rpiw = Rpiw.objects.get()
    assert_recorded(latest(Rpiw, id=rpiw.pk), "+", "web", kpo_user, trust.pk)
    member = TeamMember.objects.get(rpiw=rpiw)
    assert_recorded(latest(TeamMember, id=member.pk), "+", "web", kpo_user, trust.pk)


def test_rpiw_a_value_stream_changed_and_deleted_through_the_api_is_recorded_from_the_api(
    kpo_user, trust, value_stream
):
    api = api_as(kpo_user)
    url = f"/api/rpiw/value-streams/{value_stream.pk}/"
    changed = api.patch(url, {"name": "Outpatient clinics"}, format="json")
    assert changed.status_code == 200, changed.content
    record = latest(ValueStream, id=value_stream.pk)
    assert_recorded(record, "~", "api", kpo_user, trust.pk)
    assert record.name == "Outpatient clinics"
    assert api.delete(url).status_code == 204
    assert_recorded(latest(ValueStream, id=value_stream.pk), "-", "api", kpo_user, trust.pk)


def test_rpiw_a_report_import_records_the_rpiw_and_its_measurements_from_the_import(
    kpo_user, trust, value_stream
):
    from rpiw.imports import COLUMNS

    rows = [
        ",".join(c.heading for c in COLUMNS),
        "SASH,Outpatients,SASH-RPIW-050,Clinic letters,2019-01-07,2019-01-11,Lead time,"
        "lead_time,hours,baseline,40,,,2018-12-20",
        "SASH,Outpatients,SASH-RPIW-050,,,,Lead time,,,30,22,,,2019-02-11",
    ]
    run_import("rpiw.measures", "\n".join(rows) + "\n", kpo_user, organisation=trust)
    rpiw = Rpiw.objects.get(reference="SASH-RPIW-050")
    assert_recorded(latest(Rpiw, id=rpiw.pk), "+", "import", kpo_user, trust.pk)
    measurements = Measurement.history.filter(measure__rpiw_id=rpiw.pk)
    assert measurements.count() == Measurement.objects.count() == 2
    for record in measurements:
        assert_recorded(record, "+", "import", kpo_user, trust.pk)


# --- training -----------------------------------------------------------------------------------


def test_training_a_programme_created_on_the_page_is_recorded_from_the_web(client, kpo_user, trust):
    client.force_login(kpo_user)
    response = client.post(
        reverse("training:programme-new"),
        {
            "owner": str(trust.pk),
            "code": "SASH-LM",
            "name": "Lean for managers",
            "assessment_method": "homework",
            "order": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get(code="SASH-LM")
    assert_recorded(latest(Programme, id=programme.pk), "+", "web", kpo_user, trust.pk)


def test_training_a_module_changed_and_deleted_through_the_api_is_recorded_from_the_api(trust):
    admin = user_with_roles(trust, Role.ADMINISTRATOR)
    programme = Programme.objects.create(code="L4L", name="L4L", assessment_method="homework")
    module = Module.objects.create(programme=programme, number=1, title="Seeing waste")
    api = api_as(admin)
    url = f"/api/training/modules/{module.pk}/"
    changed = api.patch(url, {"title": "Seeing flow"}, format="json")
    assert changed.status_code == 200, changed.content
    assert_recorded(latest(Module, id=module.pk), "~", "api", admin, None)  # partnership-level
    assert api.delete(url).status_code == 204
    assert_recorded(latest(Module, id=module.pk), "-", "api", admin, None)


def test_training_an_enrolment_import_is_recorded_from_the_import(kpo_user, trust):
    Programme.objects.create(code="L4L", name="L4L", assessment_method="homework")
    run_import(
        "training.enrolments",
        "Programme,Cohort,Cohort start date,Participant,Email,Professional group,Enrolled on,"
        "Status\nL4L,L4L cohort 9,2019-01-07,Ann Lee,ann.lee@sash.nhs.uk,nursing,2018-12-20,"
        "in progress\n",
        kpo_user,
        organisation=trust,
    )
    assert_recorded(latest(Enrolment), "+", "import", kpo_user, trust.pk)


# --- networks -----------------------------------------------------------------------------------


@pytest.fixture
def wave(db):
    survey = Survey.objects.create(title="L4L participant survey")
    section = SurveySection.objects.create(survey=survey, order=1, key="network", title="Network")
    Question.objects.create(
        section=section,
        order=1,
        code="network_names",
        text="Who do you talk to about improvement?",
        kind=QuestionKind.NAME_GENERATOR,
        required=False,
        config={"min_names": 2, "max_names": 10},
    )
    return SurveyWave.objects.create(
        survey=survey, name="December 2018", opens_on=D(2018, 12, 1), closes_on=D(2018, 12, 31)
    )


@pytest.fixture
def analyst(trust):
    return user_with_roles(trust, Role.ANALYST, username="analyst")


@pytest.fixture
def spelled_twice(trust, wave):
    """Two respondents name one colleague, spelled two ways; returns (keep, duplicate)."""
    PersonFactory(organisation=trust, full_name="Ann Archer")
    for respondent, spelling in (("Rita Respondent", "Jon Smyth"), ("Sue Shaw", "John Smith")):
        invitation = Invitation.objects.create(
            wave=wave, person=PersonFactory(organisation=trust, full_name=respondent)
        )
        save_name_generator_answer(
            invitation,
            [
                NamedPerson(name="Ann Archer", interactions=["advice"]),
                NamedPerson(name=spelling, interactions=["influence"]),
            ],
        )
    return Person.objects.get(full_name="John Smith"), Person.objects.get(full_name="Jon Smyth")


def _assert_merge_recorded(keep, duplicate, source, user, trust):
    assert_recorded(latest(Person, id=duplicate.pk), "-", source, user, trust.pk)
    merge = PersonMerge.objects.get()
    assert_recorded(latest(PersonMerge, id=merge.pk), "+", source, user, trust.pk)
    moved = Nomination.objects.get(alter=keep, respondent__full_name="Rita Respondent")
    record = latest(Nomination, id=moved.pk)
    assert_recorded(record, "~", source, user, trust.pk)
    assert record.alter_id == keep.pk


def test_networks_a_merge_on_the_page_records_the_deletion_and_the_moved_nomination(
    client, analyst, trust, spelled_twice
):
    keep, duplicate = spelled_twice
    client.force_login(analyst)
    response = client.post(
        reverse("networks:merge", args=[trust.pk]), {"keep": keep.pk, "duplicate": duplicate.pk}
    )
    assert response.status_code == 302
    _assert_merge_recorded(keep, duplicate, "web", analyst, trust)


def test_networks_a_merge_through_the_api_records_the_deletion_and_the_moved_nomination(
    analyst, trust, spelled_twice
):
    keep, duplicate = spelled_twice
    response = api_as(analyst).post(
        "/api/networks/merges/", {"keep": keep.pk, "duplicate": duplicate.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    _assert_merge_recorded(keep, duplicate, "api", analyst, trust)


def test_networks_a_nominations_import_is_recorded_from_the_import(kpo_user, trust, wave):
    Invitation.objects.create(
        wave=wave,
        person=PersonFactory(
            organisation=trust, full_name="Rita Respondent", email="rita@example.nhs.uk"
        ),
    )
    PersonFactory(organisation=trust, full_name="Ann Archer")
    run_import(
        "networks.nominations",
        "respondent,alter,interaction_type,role,department\n"
        "rita@example.nhs.uk,Ann Archer,advice,,\n"
        "Rita Respondent,New Person,influence,Porter,Estates\n",
        kpo_user,
        organisation=trust,
        wave=wave.pk,
    )
    nominations = Nomination.history.all()
    assert nominations.count() == 2
    for record in nominations:
        assert_recorded(record, "+", "import", kpo_user, trust.pk)
    assert_recorded(latest(Person, full_name="New Person"), "+", "import", kpo_user, trust.pk)


# --- impact -------------------------------------------------------------------------------------


@pytest.fixture
def impact_admin(regulator_org):
    return user_with_roles(regulator_org, Role.ADMINISTRATOR, username="admin", is_superuser=True)


def test_impact_a_peer_group_entered_on_the_page_is_recorded_from_the_web(client, analyst, trust):
    for i in (2, 3):
        OrganisationFactory(kind=OrganisationKind.PEER_TRUST, short_name=f"P{i}", ods_code=f"RP{i}")
    client.force_login(analyst)
    response = client.post(
        reverse("impact:peer-group-manual", args=["RTP"]),
        {"manual-peers": "RP2, RP3", "manual-notes": "from the Model Hospital"},
    )
    assert response.status_code == 302
    group = PeerGroup.objects.get()
    assert_recorded(latest(PeerGroup, id=group.pk), "+", "web", analyst, trust.pk)


def test_impact_a_measure_changed_through_the_api_is_recorded_from_the_api(impact_admin):
    impact_services.ensure_standard_measures()
    response = api_as(impact_admin).patch(
        "/api/impact/measures/fft_ae_recommend/", {"notes": "Checked"}, format="json"
    )
    assert response.status_code == 200, response.content
    record = latest(ImpactMeasure, code="fft_ae_recommend")
    assert_recorded(record, "~", "api", impact_admin, None)  # partnership-level
    assert record.notes == "Checked"


def test_impact_a_series_import_records_each_month_added_or_replaced_from_the_import(
    impact_admin, trust
):
    impact_services.ensure_standard_measures()
    for text in ("RTP,2015-07,94.1\nRTP,2015-08,93.0\n", "RTP,2015-08,92.5\nRTP,2015-09,91\n"):
        run_import(
            "impact.series",
            "org_code,period,value\n" + text,
            impact_admin,
            measure="fft_ae_recommend",
        )
    assert SeriesValue.objects.count() == 3
    months = SeriesValue.history.order_by("period", "history_id")
    assert [(m.period.month, m.history_type, m.value) for m in months] == [
        (7, "+", pytest.approx(94.1)),
        (8, "+", pytest.approx(93.0)),
        (8, "~", pytest.approx(92.5)),  # the upsert replaced it: a change, not a second record
        (9, "+", pytest.approx(91.0)),
    ]
    assert {m.id for m in months} == set(SeriesValue.objects.values_list("id", flat=True))
    for record in months:
        assert_recorded(record, record.history_type, "import", impact_admin, trust.pk)


def test_impact_a_characteristics_import_records_each_value_from_the_import(impact_admin, trust):
    for text in ("RTP,size,10,2019-03-31\n", "RTP,size,11,2019-03-31\nRTP,acuity,1,2019-03-31\n"):
        run_import("impact.characteristics", "org_code,name,value,as_of\n" + text, impact_admin)
    rows = OrganisationCharacteristic.history.order_by("name", "history_id")
    assert [(r.name, r.history_type, r.value) for r in rows] == [
        ("acuity", "+", 1.0),
        ("size", "+", 10.0),
        ("size", "~", 11.0),
    ]
    for record in rows:
        assert_recorded(record, record.history_type, "import", impact_admin, trust.pk)


# --- compact ------------------------------------------------------------------------------------


@pytest.fixture
def tgb_meeting(trust, other_trust, regulator_org, regulator_user):
    """A compact on the TGB, and a held TGB meeting the regulator attended."""
    partnership = Partnership.objects.create(
        name="NHS-VMI partnership", short_name="NHS-VMI", started_on=D(2015, 7, 1)
    )
    partnership.members.set([trust, other_trust, regulator_org])
    tgb = meeting_services.create_series(MeetingKind.TGB, "Transformation Guiding Board")
    compact = compact_services.create_compact(
        partnership,
        tgb,
        "NHS-VMI partnership compact",
        shared_vision="The safest in the country.",
        promises=[
            {
                "key": "hosp-stability",
                "party": PartyType.HOSPITAL,
                "heading": Heading.LEADERSHIP,
                "text": "Support board stability and longevity",
            }
        ],
        effective_from=D(2015, 7, 1),
    )
    person = regulator_user.person
    meeting_services.add_membership(tgb, person, D(2015, 7, 1), role="Regulator")
    meeting = meeting_services.create_meeting(tgb, D(2018, 7, 10), status="held")
    meeting_services.record_attendance(meeting, person, AttendanceStatus.PRESENT)
    return compact, meeting


def test_compact_a_breach_discussed_on_the_page_is_recorded_from_the_web(
    client, regulator_user, trust, tgb_meeting
):
    compact, meeting = tgb_meeting
    breach = compact_services.call_out_breach(
        meeting,
        regulator_user.person,
        promises=list(compact.versions.get().promises.all()),
        party=PartyType.HOSPITAL,
        organisation=trust,
        what_happened="The CEO stepped down.",
        occurred_on=D(2018, 7, 1),
    )
    client.force_login(regulator_user)
    response = client.post(
        reverse("compact:breach-discuss", args=[breach.pk]),
        {"meeting": meeting.pk, "what_happened": "CEO left", "why": "x", "do_better": "y"},
    )
    assert response.status_code == 302
    record = latest(Breach, id=breach.pk)
    # The compact is partnership-level in the access policy, so a breach is filed there too
    # (the audit owner is the policy's scope_of), even when it names the trust.
    assert_recorded(record, "~", "web", regulator_user, None)
    assert record.state == BreachState.DISCUSSED


def test_compact_a_breach_called_out_through_the_api_is_recorded_from_the_api(
    regulator_user, tgb_meeting
):
    compact, meeting = tgb_meeting
    promise = compact.versions.get().promises.get()
    response = api_as(regulator_user).post(
        "/api/compact/breaches/",
        {
            "meeting": meeting.pk,
            "promises": [promise.pk],
            "party": "hospital",
            "what_happened": "CEO left",
            "occurred_on": "2018-07-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    breach = Breach.objects.get(pk=response.json()["id"])
    assert_recorded(latest(Breach, id=breach.pk), "+", "api", regulator_user, None)


# --- governance ---------------------------------------------------------------------------------


def test_governance_a_team_changed_on_its_page_is_recorded_from_the_web(client, kpo_user, trust):
    client.force_login(kpo_user)
    response = client.post(reverse("team-create"), {"name": "Ward 9", "kind": "ward"})
    assert response.status_code == 302
    team = Team.objects.get(name="Ward 9")
    assert_recorded(latest(Team, id=team.pk), "+", "web", kpo_user, trust.pk)


def test_governance_a_team_created_through_the_api_is_recorded_from_the_api(kpo_user, trust):
    response = api_as(kpo_user).post(
        "/api/teams/", {"organisation": trust.pk, "name": "Ward 10", "kind": "ward"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert_recorded(latest(Team, id=response.json()["id"]), "+", "api", kpo_user, trust.pk)
