"""Importing nominations from an edge list: preview with row errors, all-or-nothing writes."""

from __future__ import annotations

import pytest
from conftest import jobs_in_process
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from factories import PersonFactory
from networks.models import Nomination
from vmi_programme import imports
from vmi_programme.models import ImportStatus

HEADER = "respondent,alter,interaction_type,role,department\n"


@pytest.fixture(autouse=True)
def _jobs_in_process():
    """The import's check and commit jobs run in this process, on the PostgreSQL run too."""
    with jobs_in_process():
        yield


def upload(content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("edges.csv", (HEADER + content).encode(), content_type="text/csv")


@pytest.fixture
def invited(trust, invite):
    return invite(
        PersonFactory(organisation=trust, full_name="Rita Respondent", email="rita@example.nhs.uk")
    )


def run_preview(content, user, trust, wave):
    spec = imports.get_spec("networks.nominations")
    return imports.preview(spec, upload(content), user, organisation=trust, wave=wave.pk)


def messages(result):
    return [str(error) for error in result.errors]


def test_a_valid_edge_list_is_previewed_then_written_in_one_go(
    invited, colleagues, kpo_user, trust, wave
):
    result = run_preview(
        "rita@example.nhs.uk,Ann Archer,advice,,\n"
        "Rita Respondent,Ann Archer,Expertise,,\n"
        "Rita Respondent,New Person,influence,Porter,Estates\n",
        kpo_user,
        trust,
        wave,
    )
    assert result.is_valid, messages(result)
    assert not Nomination.objects.exists()  # preview writes nothing
    summary = imports.commit(result.batch, kpo_user)
    assert summary == {"nominations": 2, "respondents": 1}
    ann = Nomination.objects.get(alter__full_name="Ann Archer")
    assert ann.interactions == ["expertise", "advice"] and ann.source == "import"
    assert Nomination.objects.get(alter__full_name="New Person").alter.department == "Estates"


def test_an_unknown_respondent_is_a_row_error(invited, colleagues, kpo_user, trust, wave):
    result = run_preview(
        "Rita Respondent,Ann Archer,advice,,\n"
        "Rita Respondent,Ben Baker,advice,,\n"
        "Nobody Known,Ann Archer,advice,,\n",
        kpo_user,
        trust,
        wave,
    )
    assert not result.is_valid
    assert any(
        "Row 4, column 'respondent'" in m and "was not invited" in m for m in messages(result)
    )


def test_an_unknown_interaction_type_is_a_row_error(invited, colleagues, kpo_user, trust, wave):
    result = run_preview(
        "Rita Respondent,Ann Archer,advice,,\nRita Respondent,Ben Baker,gossip,,\n",
        kpo_user,
        trust,
        wave,
    )
    assert any(
        "'gossip' is not one of: advice, expertise, influence" in m for m in messages(result)
    )


@pytest.mark.parametrize(
    "rows, message",
    [
        ("Rita Respondent,Ann Archer,advice,,\n", "Name at least 2 people"),
        (
            "".join(f"Rita Respondent,Person Number{i},advice,,\n" for i in range(11)),
            "Name at most 10 people",
        ),
        (
            "Rita Respondent,Ann Archer,advice,,\nRita Respondent,rita respondent,advice,,\n",
            "yourself",
        ),
        (
            "Rita Respondent,Ann Archer,advice,,\nRita Respondent,Ben Baker,advice,,\n"
            "Rita Respondent,Ann Archer,advice,,\n",
            "given twice",
        ),
    ],
)
def test_survey_rules_apply_per_respondent_across_rows(
    invited, colleagues, kpo_user, trust, wave, rows, message
):
    result = run_preview(rows, kpo_user, trust, wave)
    assert any(message in m for m in messages(result)), messages(result)
    with pytest.raises(imports.ImportFailed):
        imports.commit(result.batch, kpo_user)
    assert not Nomination.objects.exists()
    result.batch.refresh_from_db()
    assert result.batch.status == ImportStatus.FAILED


def test_the_import_page_of_a_wave_leads_to_the_shared_preview(
    client, invited, colleagues, kpo_user, trust, wave
):
    client.force_login(kpo_user)
    url = reverse("networks:import", args=[trust.pk, wave.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "file": upload(
                "Rita Respondent,Ann Archer,advice,,\nRita Respondent,Ben Baker,advice,,\n"
            )
        },
    )
    assert response.status_code == 302
    preview = client.get(response.url)
    assert preview.status_code == 200
    client.post(f"{response.url}confirm/")
    assert Nomination.objects.count() == 2


def test_only_people_who_may_change_the_trust_can_import(client, other_kpo, trust, wave):
    client.force_login(other_kpo)
    assert client.get(reverse("networks:import", args=[trust.pk, wave.pk])).status_code == 403
