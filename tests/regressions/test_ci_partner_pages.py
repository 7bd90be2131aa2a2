"""Issue 17 item 4, continued: a CI partner's TGB member sees the partnership's summaries but no
partner trust's own records, so pages listing those records told them "No cohorts yet.", "No
peer groups yet.", "No runs yet.", "Nothing is overdue" and "There is no partner trust whose
dashboard you may view" while the partnership summary showed every trust's results. They now
say whose records these are and link to the summary's table instead, the Impact tabs and the
Dashboard item that could only lead there are gone, and a trust's own staff see the pages as
before."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from factories import OrganisationFactory
from impact import services
from impact.models import Measure, PeerGroup, PeerGroupMember, PeerMethod, SeriesValue
from training.models import Cohort, Programme
from vmi_programme.models import Job, JobStatus, OrganisationKind

pytestmark = pytest.mark.django_db

FALSE_EMPTY = re.compile(r"No [^<.]* yet|Nothing is overdue|There is no partner trust")
MEASURE = "ae_4h_type1"

# Each page and the link to the partnership's figures it offers in place of the trust's records.
PAGES = {
    "/training/": 'href="/training/table-5-1/"',
    "/training/overdue/": 'href="/training/table-5-1/"',
    "/impact/rpiw/": 'href="/partnership/#table-7-2"',
    "/impact/peers/": 'href="/partnership/#table-8-2"',
    "/impact/its/": 'href="/partnership/#table-8-2"',
    f"/impact/measures/{MEASURE}/": 'href="/partnership/"',
}


@pytest.fixture
def trust_records(trust):
    """A cohort, a peer group, an ITS run and a monthly series of one partner trust."""
    programme = Programme.objects.create(
        code="L4L", name="Lean for Leaders", assessment_method="homework"
    )
    Cohort.objects.create(
        programme=programme, organisation=trust, name="SASH cohort 1", starts_on=dt.date(2019, 1, 7)
    )
    peer = OrganisationFactory(short_name="Peer", kind=OrganisationKind.PEER_TRUST)
    group = PeerGroup.objects.create(trust=trust, method=PeerMethod.MANUAL)
    PeerGroupMember.objects.create(group=group, peer=peer, rank=1)
    Job.objects.create(
        kind=services.ITS_KIND,
        parameters={"measure": "fft_ae_recommend", "trust": trust.ods_code},
        organisation=trust,
        status=JobStatus.SUCCEEDED,
        result={},
        finished_at=timezone.now(),
    )
    measure, _ = Measure.objects.get_or_create(
        code=MEASURE, defaults={"name": "A&E four hours", "direction": "higher"}
    )
    SeriesValue.objects.create(
        organisation=trust, measure=measure, period=dt.date(2019, 1, 1), value=95.0
    )
    return trust


def _main(html: str) -> str:
    """The page's own content: the header's navigation links to the partnership summary too."""
    return html[html.index('<main class="nhsuk-main-wrapper"') : html.index("</main>")]


def test_the_ci_partner_has_no_dashboard_item_but_the_url_still_answers(
    client, ci_partner_member, trust_records
):
    client.force_login(ci_partner_member)
    home = client.get("/").content.decode()
    assert 'href="/dashboard/"' not in home  # neither in the navigation nor as a card
    assert ">Dashboard<" not in home
    assert 'href="/partnership/"' in home
    assert client.get("/dashboard/").status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_the_ci_partners_pages_point_to_the_summary_instead_of_saying_none_yet(
    client, ci_partner_member, trust_records, path
):
    client.force_login(ci_partner_member)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert not FALSE_EMPTY.search(html), FALSE_EMPTY.search(html)
    assert "open to its own staff and the regulator" in _main(html)
    assert PAGES[path] in _main(html)
    assert ">Dashboard<" not in html
    # The tabs of pages that hold only the trusts' records are not offered.
    for tab in ('href="/impact/rpiw/"', 'href="/impact/peers/"', 'href="/impact/its/"'):
        assert tab not in html
    assert 'href="/training/overdue/"' not in html


def test_a_measure_no_one_has_data_for_still_says_so(client, ci_partner_member, trust_records):
    Measure.objects.get_or_create(
        code="nothing_yet", defaults={"name": "Nothing yet", "direction": "higher"}
    )
    client.force_login(ci_partner_member)
    html = client.get("/impact/measures/nothing_yet/").content.decode()
    assert "<li>No data yet.</li>" in html


def test_a_trusts_kpo_sees_its_records_as_before(client, kpo_user, trust_records):
    client.force_login(kpo_user)
    home = client.get("/").content.decode()
    assert 'href="/dashboard/"' in home
    training = client.get("/training/").content.decode()
    assert "SASH cohort 1" in training and 'href="/training/overdue/"' in training
    peers = client.get("/impact/peers/").content.decode()
    assert "Peer (" in peers
    for tab in ('href="/impact/rpiw/"', 'href="/impact/peers/"', 'href="/impact/its/"'):
        assert tab in peers
    runs = client.get("/impact/its/").content.decode()
    assert "fft_ae_recommend" in runs and "No runs yet" not in runs
    measure = client.get(f"/impact/measures/{MEASURE}/").content.decode()
    assert f'href="/impact/measures/{MEASURE}/RTP/"' in measure
    for path in PAGES:
        assert "open to its own staff and the regulator" not in client.get(path).content.decode()
