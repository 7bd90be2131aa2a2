"""`manage.py import_file`: the import pipeline from the command line, all or nothing."""

import pytest
from django.core.management import CommandError, call_command

from factories import OrganisationFactory, user_with_roles
from impact.models import SeriesValue
from vmi_programme.models import OrganisationKind, Role

pytestmark = pytest.mark.django_db

AE_ROWS = (
    '"period","org_code","type","attendances","breaches","admissions"\n'
    '"2017-03-01","RTP","1",9000,900,2000\n'
    '"2017-03-01","RTP","other",100,0,0\n'
    '"2017-04-01","RTP","1",9500,1400,2100\n'
)


@pytest.fixture
def sash_analyst(db):
    """SASH's analyst, who may import SASH's series (the regulator may not change them)."""
    sash = OrganisationFactory(
        short_name="SASH", ods_code="RTP", kind=OrganisationKind.PARTNER_TRUST
    )
    return user_with_roles(sash, Role.ANALYST, username="reg")


def test_checking_a_file_writes_nothing(tmp_path, sash_analyst, capsys):
    path = tmp_path / "ae.csv"
    path.write_text(AE_ROWS)
    call_command("import_file", "impact.ae_attendances", str(path), user="reg")
    assert "3 rows are valid" in capsys.readouterr().out
    assert not SeriesValue.objects.exists()


def test_commit_writes_the_type_1_months(tmp_path, sash_analyst):
    path = tmp_path / "ae.csv"
    path.write_text(AE_ROWS)
    call_command("import_file", "impact.ae_attendances", str(path), user="reg", commit=True)
    assert SeriesValue.objects.filter(organisation__ods_code="RTP").count() >= 2


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, sash_analyst, capsys):
    path = tmp_path / "ae.csv"
    path.write_text(AE_ROWS + '"2017-05-01","RTP","1",lots,0,0\n')
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_file", "impact.ae_attendances", str(path), user="reg", commit=True)
    assert "Row 5" in capsys.readouterr().err
    assert not SeriesValue.objects.exists()
