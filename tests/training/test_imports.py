"""Importing existing enrolment and assessment records: a good file, and each kind of bad file."""

import datetime as dt

import pytest
from conftest import jobs_in_process
from django.core.files.uploadedfile import SimpleUploadedFile

from training.models import Assessment, Cohort, Enrolment
from vmi_programme import imports
from vmi_programme.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs_in_process():
    """The import's check and commit jobs run in this process, on the PostgreSQL run too."""
    with jobs_in_process():
        yield


ENROLMENTS = (
    "SASH L4L enrolments export\n"
    "\n"
    "Programme,Cohort,Cohort start date,Participant,Email,Professional group,Enrolled on,Status,Withdrawn on,Withdrawal reason\n"
    "L4L,L4L cohort 9,2019-01-07,Ann Lee,ann.lee@sash.nhs.uk,nursing,20/12/2018,in progress,,\n"
    "L4L,L4L cohort 9,,Bob Khan,bob.khan@sash.nhs.uk,medical,2018-12-20,withdrawn,2019-03-01,Left the trust\n"
)
ASSESSMENTS = "Email,Cohort,Programme,Module,Submitted on,Result,Assessed on\n" + "".join(
    f"ann.lee@sash.nhs.uk,L4L cohort 9,L4L,{m},2019-0{m + 1}-01,pass,2019-0{m + 1}-08\n"
    for m in range(1, 7)
)


def upload(text, name="file.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"))


def run(spec_name, text, user, trust):
    result = imports.preview(imports.get_spec(spec_name), upload(text), user, organisation=trust)
    return result, [str(e) for e in result.errors]


def test_a_good_enrolment_then_assessment_file_gives_derived_completion(kpo_user, trust, l4l):
    result, errors = run("training.enrolments", ENROLMENTS, kpo_user, trust)
    assert errors == []
    assert imports.commit(result.batch, kpo_user) == {
        "new people": 2,
        "new cohorts": 1,
        "enrolments": 2,
    }
    cohort = Cohort.objects.get(name="L4L cohort 9")
    assert cohort.starts_on == dt.date(2019, 1, 7)
    bob = Enrolment.objects.get(person__email="bob.khan@sash.nhs.uk")
    assert bob.withdrawal_reason == "Left the trust"
    result, errors = run("training.assessments", ASSESSMENTS, kpo_user, trust)
    assert errors == []
    imports.commit(result.batch, kpo_user)
    from training import selectors

    (record,) = selectors.programme_records(person_ids=[Person.objects.get(full_name="Ann Lee").pk])
    assert record.completed_on == dt.date(2019, 7, 8)


def test_a_missing_column_is_named_and_nothing_is_written(kpo_user, trust, l4l):
    text = "Programme,Cohort,Participant,Enrolled on\nL4L,C,Ann Lee,2019-01-01\n"
    result, errors = run("training.enrolments", text, kpo_user, trust)
    assert errors == ["Row 1, column 'Email': this required column is missing from the header row"]
    with pytest.raises(imports.ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert (
        not Enrolment.objects.exists() and not Person.objects.filter(full_name="Ann Lee").exists()
    )


def test_a_duplicate_participant_names_the_row(kpo_user, trust, l4l):
    text = ENROLMENTS + "L4L,L4L cohort 9,,Ann Lee,Ann.Lee@sash.nhs.uk,nursing,2018-12-20,,,\n"
    _, errors = run("training.enrolments", text, kpo_user, trust)
    assert errors == [
        "Row 6, column 'email': duplicate participant: ann.lee@sash.nhs.uk is also in row 4 for this cohort"
    ]


def test_a_date_in_the_wrong_format_names_row_and_field_and_the_import_writes_nothing(
    kpo_user, trust, l4l
):
    text = ENROLMENTS.replace("2018-12-20,withdrawn", "12/20/2018,withdrawn")
    result, errors = run("training.enrolments", text, kpo_user, trust)
    assert errors == [
        "Row 5, column 'enrolled_on': '12/20/2018' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    ]
    with pytest.raises(imports.ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not Cohort.objects.exists() and not Enrolment.objects.exists()


def test_a_completion_without_all_module_assessments_passed_is_refused(kpo_user, trust, l4l):
    text = ENROLMENTS.replace("in progress", "completed")
    _, errors = run("training.enrolments", text, kpo_user, trust)
    assert errors == [
        "Row 4, column 'status': is 'completed' but module(s) 1, 2, 3, 4, 5, 6 have no passed "
        "assessment; completion is derived from the module assessments"
    ]


def test_an_assessment_for_a_module_of_another_programme_is_refused(kpo_user, trust, l4l, alt):
    result, _ = run("training.enrolments", ENROLMENTS, kpo_user, trust)
    imports.commit(result.batch, kpo_user)
    text = "Email,Cohort,Programme,Module,Submitted on,Result,Assessed on\nann.lee@sash.nhs.uk,L4L cohort 9,ALT,12,2019-02-01,pass,2019-02-08\n"
    _, errors = run("training.assessments", text, kpo_user, trust)
    assert errors == ["Row 2, column 'programme': module of ALT, but cohort 'L4L cohort 9' is L4L"]


def test_assessment_file_errors_name_rows_and_nothing_is_written(kpo_user, trust, l4l):
    result, _ = run("training.enrolments", ENROLMENTS, kpo_user, trust)
    imports.commit(result.batch, kpo_user)
    text = ASSESSMENTS + (
        "nobody@sash.nhs.uk,L4L cohort 9,L4L,1,2019-02-01,pass,2019-02-08\n"
        "ann.lee@sash.nhs.uk,L4L cohort 9,L4L,9,2019-02-01,pass,2019-02-08\n"
        "bob.khan@sash.nhs.uk,L4L cohort 9,L4L,1,2019-02-01,pass,2019-04-08\n"
        "ann.lee@sash.nhs.uk,L4L cohort 9,L4L,1,2019-02-01,pass,2019-02-09\n"
    )
    result, errors = run("training.assessments", text, kpo_user, trust)
    assert errors == [
        "Row 8, column 'email': nobody@sash.nhs.uk is not enrolled in cohort 'L4L cohort 9' (import enrolments first)",
        "Row 9, column 'module': L4L has no module 9",
        "Row 10, column 'assessed_on': is after the participant withdrew (01/03/2019)",
        "Row 11, column 'result': a second pass for this module (also row 2)",
    ]
    with pytest.raises(imports.ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not Assessment.objects.exists()


def test_the_import_pages_work_for_training(client, kpo_user, trust, l4l):
    client.force_login(kpo_user)
    assert "Cohort start date" in client.get("/imports/training.enrolments/").content.decode()
    response = client.post(
        "/imports/training.enrolments/", {"file": upload(ENROLMENTS), "organisation": trust.pk}
    )
    assert "Confirm and import 2 rows" in client.get(response.url).content.decode()
    assert client.post(f"{response.url}confirm/").url == "/training/"
    assert Enrolment.objects.count() == 2
