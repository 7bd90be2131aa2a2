"""Derived completion, rotation across cohorts, withdrawal, diffusion on a date, the grid."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from factories import PersonFactory
from training import selectors, services
from training.models import Assessment, AssessmentResult, Cohort, Enrolment
from training.progress import COMPLETED, ENROLLED, IN_PROGRESS, WITHDRAWN

pytestmark = pytest.mark.django_db
D = dt.date


def pass_modules(enrolment, modules, on):
    for module in modules:
        services.record_assessment(
            enrolment, module, submitted_on=on, result=AssessmentResult.PASS, assessed_on=on
        )


def status(person, programme, day):
    (record,) = selectors.programme_records(person_ids=[person.pk], programme_ids=[programme.pk])
    return record.status_on(day)


def test_completion_is_derived_when_every_module_is_passed(trust, l4l, make_cohort, participant):
    cohort = make_cohort(l4l, trust)
    enrolment, _ = services.enrol(participant, cohort, D(2018, 12, 20))
    modules = list(l4l.modules.all())
    pass_modules(enrolment, modules[:5], D(2019, 6, 1))
    services.record_assessment(
        enrolment,
        modules[5],
        submitted_on=D(2019, 9, 1),
        result="resubmit",
        assessed_on=D(2019, 9, 8),
    )
    assert status(participant, l4l, D(2019, 12, 31)) == IN_PROGRESS
    pass_modules(enrolment, modules[5:], D(2020, 1, 10))
    assert status(participant, l4l, D(2020, 1, 9)) == IN_PROGRESS
    assert status(participant, l4l, D(2020, 1, 10)) == COMPLETED
    assert status(participant, l4l, D(2018, 12, 31)) == ENROLLED  # cohort not started yet
    assert status(participant, l4l, D(2018, 1, 1)) is None


def test_progress_follows_a_participant_who_rotates_across_cohorts(
    trust, l4l, make_cohort, participant
):
    first = make_cohort(l4l, trust, "Cohort 1", D(2019, 1, 7))
    second = make_cohort(l4l, trust, "Cohort 2", D(2019, 4, 1))
    modules = list(l4l.modules.all())
    e1, _ = services.enrol(participant, first, D(2019, 1, 1))
    e2, _ = services.enrol(participant, second, D(2019, 3, 20))
    pass_modules(e1, modules[:3], D(2019, 3, 1))
    pass_modules(e2, modules[3:], D(2019, 10, 1))
    assert status(participant, l4l, D(2019, 10, 1)) == COMPLETED
    table = selectors.table_5_1(D(2019, 12, 31))
    assert table["rows"][0]["programmes"][0] == {"completed": 1, "in_progress": 0}  # counted once
    grid = selectors.cohort_grid(second, D(2019, 12, 31))
    cells = grid["rows"][0]["cells"]
    assert [c["assessment"].result for c in cells] == ["pass"] * 6  # modules 1-3 came along
    assert grid["rows"][0]["status"] == COMPLETED


def test_withdrawal_needs_a_reason_and_makes_the_participant_withdrawn(
    trust, l4l, make_cohort, participant
):
    cohort = make_cohort(l4l, trust)
    enrolment, _ = services.enrol(participant, cohort, D(2019, 1, 1))
    with pytest.raises(ValidationError, match="Say why"):
        services.withdraw(enrolment, D(2019, 5, 1), "  ")
    services.withdraw(enrolment, D(2019, 5, 1), "Left the trust")
    assert status(participant, l4l, D(2019, 4, 30)) == IN_PROGRESS
    assert status(participant, l4l, D(2019, 5, 1)) == WITHDRAWN


def test_an_assessment_for_a_module_of_another_programme_is_refused(
    trust, l4l, alt, make_cohort, participant
):
    cohort = make_cohort(l4l, trust)
    enrolment, _ = services.enrol(participant, cohort, D(2019, 1, 1))
    with pytest.raises(ValidationError) as error:
        services.record_assessment(
            enrolment,
            alt.modules.first(),
            submitted_on=D(2019, 2, 1),
            result="pass",
            assessed_on=D(2019, 2, 2),
        )
    assert "belongs to ALT, but cohort Cohort 1 is L4L" in str(error.value)


def test_a_participant_cannot_join_a_cohort_of_another_trust(
    other_trust, l4l, make_cohort, participant
):
    cohort = make_cohort(l4l, other_trust)
    with pytest.raises(ValidationError, match="another trust"):
        services.enrol(participant, cohort, D(2019, 1, 1))


def test_enrolling_warns_outside_twenty_to_thirty_but_does_not_refuse(
    trust, l4l, make_cohort, participant
):
    cohort = make_cohort(l4l, trust)
    _, warning = services.enrol(participant, cohort, D(2019, 1, 1))
    assert warning == "1 participants: cohorts usually have 20–30."
    assert Cohort.size_warning(25) == "" and "more than" in Cohort.size_warning(31)


def test_diffusion_on_a_given_date_counts_completed_and_in_progress_over_headcount(
    trust, l4l, alt, make_cohort
):
    trust.headcount = 200
    trust.save()
    l4l_cohort = make_cohort(l4l, trust, "L", D(2019, 1, 7))
    alt_cohort = make_cohort(alt, trust, "A", D(2020, 1, 6))
    people = [PersonFactory(organisation=trust) for _ in range(5)]
    enrolments = [services.enrol(p, l4l_cohort, D(2019, 1, 1))[0] for p in people]
    pass_modules(enrolments[0], l4l.modules.all(), D(2019, 11, 1))
    pass_modules(enrolments[1], l4l.modules.all(), D(2019, 11, 1))
    services.withdraw(enrolments[4], D(2019, 3, 1), "Changed role")
    alt_enrolment, _ = services.enrol(people[0], alt_cohort, D(2020, 1, 1))
    row = selectors.table_5_1(D(2020, 3, 31))["rows"][0]
    assert row["programmes"] == [
        {"completed": 2, "in_progress": 2},
        {"completed": 0, "in_progress": 1},
    ]
    assert (row["completed"], row["in_progress"], row["diffusion"]) == (
        2,
        3,
        3,
    )  # 5/200 = 2.5% → 3%
    assert row["dropout"] == 17  # 1 of 6 person-programme records withdrew
    earlier = selectors.table_5_1(D(2019, 6, 30))["rows"][0]
    assert earlier["programmes"][0] == {"completed": 0, "in_progress": 4}
    series = selectors.diffusion_series(trust, D(2019, 1, 1), D(2020, 3, 31))
    assert series[-1]["date"] == D(2020, 3, 31)
    assert series[-1]["programmes"] == {"L4L": (2, 2), "ALT": (0, 1)}
    assert series[-1]["diffusion"] == 2.5


def test_the_grid_saves_every_cell_or_none(trust, l4l, alt, make_cohort, participant):
    cohort = make_cohort(l4l, trust)
    other = PersonFactory(organisation=trust)
    e1, _ = services.enrol(participant, cohort, D(2019, 1, 1))
    e2, _ = services.enrol(other, cohort, D(2019, 1, 1))
    services.withdraw(e2, D(2019, 2, 1), "Left the trust")
    m1, m2 = list(l4l.modules.all())[:2]
    alt_module = alt.modules.first()
    saved, errors = services.save_assessment_grid(
        cohort,
        {(e1.pk, m1.pk): "pass", (e2.pk, m1.pk): "pass", (e1.pk, alt_module.pk): "pass"},
        assessed_on=D(2019, 3, 1),
        assessed_by=None,
    )
    assert saved == 0
    assert "withdrew on 01/02/2019" in errors[(e2.pk, m1.pk)]
    assert errors[(e1.pk, alt_module.pk)] == "This module is not part of L4L."
    assert not Assessment.objects.exists()
    saved, errors = services.save_assessment_grid(
        cohort,
        {(e1.pk, m1.pk): "pass", (e1.pk, m2.pk): "resubmit"},
        assessed_on=D(2019, 3, 1),
        assessed_by=None,
    )
    assert (saved, errors) == (2, {})
    _, errors = services.save_assessment_grid(
        cohort, {(e1.pk, m1.pk): "pass"}, assessed_on=D(2019, 3, 2), assessed_by=None
    )
    assert errors == {(e1.pk, m1.pk): "Already passed."}


def test_the_grid_page_posts_all_cells_and_shows_cell_errors(
    client, kpo_user, trust, l4l, make_cohort, participant
):
    cohort = make_cohort(l4l, trust)
    enrolment, _ = services.enrol(participant, cohort, D(2019, 1, 1))
    m1 = l4l.modules.first()
    client.force_login(kpo_user)
    page = client.get(f"/training/cohorts/{cohort.pk}/assessments/")
    assert f'name="cell-{enrolment.pk}-{m1.pk}"' in page.content.decode()
    bad = client.post(
        f"/training/cohorts/{cohort.pk}/assessments/",
        {"assessed_on": "31/02/2019", f"cell-{enrolment.pk}-{m1.pk}": "pass"},
    )
    assert "Enter the assessment date" in bad.content.decode()
    ok = client.post(
        f"/training/cohorts/{cohort.pk}/assessments/",
        {"assessed_on": "01/03/2019", f"cell-{enrolment.pk}-{m1.pk}": "pass"},
    )
    assert ok.status_code == 302
    assert Assessment.objects.get().assessed_on == D(2019, 3, 1)


def test_overdue_lists_in_progress_participants_without_a_pass_after_the_session(
    trust, l4l, make_cohort, participant, kpo_user, client
):
    from training.models import CohortSession

    cohort = make_cohort(l4l, trust)
    m1, m2 = list(l4l.modules.all())[:2]
    CohortSession.objects.create(cohort=cohort, module=m1, date=D(2019, 1, 7))
    CohortSession.objects.create(cohort=cohort, module=m2, date=D(2019, 3, 4))
    enrolment, _ = services.enrol(participant, cohort, D(2019, 1, 1))
    pass_modules(enrolment, [m1], D(2019, 2, 1))
    rows = selectors.overdue_assessments(kpo_user, D(2019, 5, 1))
    assert [(r["enrolment"], r["module"], r["days_overdue"]) for r in rows] == [(enrolment, m2, 30)]
    client.force_login(kpo_user)
    assert "Ann Lee" in client.get("/training/overdue/?as_of=2019-05-01").content.decode()
    assert Enrolment.objects.count() == 1
