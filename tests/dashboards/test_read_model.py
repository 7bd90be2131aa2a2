"""The dashboards' read model (ADR 18): pages show stored figures equal to a direct computation;
a change marks them stale and a refresh job rebuilds them; queries per page do not grow with the
data; viewers with the same rights share one snapshot."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards import partnership, read_model, summary_view
from dashboards.models import Snapshot, SnapshotKind
from factories import OrganisationFactory, user_with_roles
from vmi_programme.models import Job, JobStatus, Organisation, Role
from vmi_programme.summary_tables import SummaryTable

pytestmark = pytest.mark.django_db


# --- small data sets --------------------------------------------------------------------------


def test_viewers_with_the_same_rights_share_one_snapshot(trust):
    ceo_one = user_with_roles(trust, Role.EXECUTIVE)
    ceo_two = user_with_roles(trust, Role.EXECUTIVE)
    kpo = user_with_roles(trust, Role.KPO_FACILITATOR)
    regulator_org = OrganisationFactory(kind="regulator", short_name="REG", name="Regulator")
    regulator = user_with_roles(regulator_org, Role.REGULATOR)
    assert read_model.scope_key(ceo_one, trust) == read_model.scope_key(ceo_two, trust)
    assert read_model.scope_key(ceo_one, trust) != read_model.scope_key(kpo, trust)
    assert read_model.scope_key(regulator, trust) == "view"
    for user in (ceo_one, ceo_two, kpo, regulator):
        read_model.read(SnapshotKind.TRUST, trust, "12m", user)
    assert Snapshot.objects.filter(kind=SnapshotKind.TRUST, organisation=trust).count() == 3


def test_a_snapshot_whose_viewer_lost_their_rights_is_dropped_not_rebuilt(trust):
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    snapshot = Snapshot.objects.get(organisation=trust)
    ceo.person.role_assignments.all().delete()
    fresh_snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert read_model.rebuild(fresh_snapshot) is False
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()


def test_a_preset_is_stale_once_its_dates_move_on(trust):
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    Snapshot.objects.filter(organisation=trust).update(period_end=dt.date(2019, 1, 31))
    assert read_model._needs_build(Snapshot.objects.get(organisation=trust))


def test_without_inline_builds_a_page_shows_the_job_preparing_its_figures(
    trust, client, settings, jobs_run_here
):
    settings.READ_MODEL_BUILD_INLINE = False
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    client.force_login(ceo)
    page = client.get(f"/dashboard/{trust.short_name}/").content.decode()
    job = Job.objects.get(kind=read_model.REFRESH)
    assert job.queue == "interactive"  # someone is waiting for it
    assert job.status == JobStatus.SUCCEEDED  # run here (in-process); a worker would run it later
    assert "Figures as of" in page


def _dashboard_queries(client, trust) -> int:
    client.get(f"/dashboard/{trust.short_name}/?period=12m")  # builds when needed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/dashboard/{trust.short_name}/?period=12m")
    assert response.status_code == 200 and b"Figures as of" in response.content
    return len(queries)


def test_a_dashboard_read_from_its_snapshot_makes_the_same_queries_at_any_size(trust, client):
    from rpiw.models import Rpiw, ValueStream

    ceo = user_with_roles(trust, Role.EXECUTIVE)
    client.force_login(ceo)
    small = _dashboard_queries(client, trust)
    today = timezone.localdate()
    stream = ValueStream.objects.create(
        organisation=trust, name="Flow", started_on=today - dt.timedelta(days=300)
    )
    for i in range(30):
        Rpiw.objects.create(
            value_stream=stream,
            reference=f"RM-{i}",
            title=f"Workshop {i}",
            workshop_start=today - dt.timedelta(days=30 + i),
            workshop_end=today - dt.timedelta(days=26 + i),
        )
    large = _dashboard_queries(client, trust)
    assert small == large
    assert small <= 12, small


# --- the summary's pages of trusts --------------------------------------------------------------


def _table(n: int) -> SummaryTable:
    rows = [{"trust": f"T{i:03}", "rpiws": (i * 7) % 50} for i in range(n)]
    rows.append({"trust": "Total", "rpiws": sum(r["rpiws"] for r in rows)})
    return SummaryTable("7-1", "Table 7.1", "", [("trust", "NHS trust"), ("rpiws", "RPIWs")], rows)


def _facts(n: int) -> dict[str, summary_view.TrustFacts]:
    regions = ["London", "North West"]
    return {
        f"T{i:03}": summary_view.TrustFacts(f"T{i:03}", f"Trust {i:03}", regions[i % 2], {i % 3})
        for i in range(n)
    }


def test_the_summary_shows_totals_first_then_a_page_of_trusts():
    paged = summary_view.page_of(_table(200), _facts(200), summary_view.Filters(), QueryDict())
    assert paged.table.rows[0]["trust"] == "Total"
    assert len(paged.table.rows) == 1 + summary_view.PAGE_SIZE
    assert (paged.pages, paged.trust_rows, paged.first, paged.last) == (8, 200, 1, 25)
    last = summary_view.page_of(
        _table(200), _facts(200), summary_view.Filters(), QueryDict("page-7-1=8")
    )
    assert (last.first, last.last) == (176, 200) and last.table.rows[-1]["trust"] == "T199"
    beyond = summary_view.page_of(
        _table(200), _facts(200), summary_view.Filters(), QueryDict("page-7-1=99")
    )
    assert beyond.page == 8


def test_the_summary_filters_by_region_and_cohort_and_sorts_by_a_column():
    filters = summary_view.Filters(region="London", cohort=1)
    paged = summary_view.page_of(_table(60), _facts(60), filters, QueryDict("sort-7-1=-rpiws"))
    trusts = [r for r in paged.table.rows if r["trust"] != "Total"]
    facts = _facts(60)
    assert trusts and all(
        facts[r["trust"]].region == "London" and 1 in facts[r["trust"]].cohorts for r in trusts
    )
    assert [r["rpiws"] for r in trusts] == sorted((r["rpiws"] for r in trusts), reverse=True)
    assert paged.filtered and paged.trust_rows == 10 and paged.all_trust_rows == 60


def test_the_partnership_page_is_paged_and_filtered_at_two_hundred_trusts(
    client, regulator_user, monkeypatch
):
    """The page shows 25 trusts of a 200-trust table, with a pager; a region filter keeps only
    that region's trusts; the query count does not depend on the number of rows stored."""
    regions = ["London", "North West"]
    trusts = [
        Organisation(
            kind="partner_trust",
            name=f"Generated Trust {i:03}",
            short_name=f"G{i:03}",
            region=regions[i % 2],
        )
        for i in range(200)
    ]
    Organisation.objects.bulk_create(trusts)
    table = SummaryTable(
        "7-1",
        "Table 7.1",
        "",
        [("trust", "NHS trust"), ("rpiws", "RPIWs")],
        [{"trust": f"G{i:03}", "rpiws": i} for i in range(200)] + [{"trust": "Total", "rpiws": 1}],
    )
    monkeypatch.setattr(read_model, "partnership_keys", lambda base="published": [f"{base}|7-1"])
    monkeypatch.setattr(partnership, "table_by_key", lambda key, as_of=None: table)
    client.force_login(regulator_user)
    page = client.get("/partnership/").content.decode()
    assert page.count('data-row="G') == summary_view.PAGE_SIZE
    assert 'data-table-pager="7-1"' in page and "page 1 of 8" in page
    london = client.get("/partnership/?region=London").content.decode()
    assert london.count('data-row="G') == 25 and "page 1 of 4" in london
    assert 'data-row="G001"' not in london  # North West
    with CaptureQueriesContext(connection) as queries:
        client.get("/partnership/?region=London&page-7-1=2")
    assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]


def test_a_download_of_the_summary_holds_every_trust_not_one_page(
    client, regulator_user, monkeypatch
):
    table = SummaryTable(
        "7-1",
        "Table 7.1",
        "",
        [("trust", "NHS trust"), ("rpiws", "RPIWs")],
        [{"trust": f"X{i:03}", "rpiws": i} for i in range(60)],
    )
    monkeypatch.setattr(read_model, "partnership_keys", lambda base="published": [f"{base}|7-1"])
    monkeypatch.setattr(partnership, "table_by_key", lambda key, as_of=None: table)
    client.force_login(regulator_user)
    csv_text = client.get("/partnership/?table=7-1&format=csv").content.decode()
    assert csv_text.count("\nX") == 60


def test_the_refresh_job_rebuilds_only_what_is_still_stale(trust, jobs_run_here):
    from vmi_programme import jobs

    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    first = jobs.submit(read_model.REFRESH, {"trust": trust.pk}, organisation=trust)
    assert first.result == {"rebuilt": 0, "dropped": 0, "already_fresh": 1, "deferred": 0}
    Snapshot.objects.filter(organisation=trust).update(changed_at=timezone.now())
    time.sleep(0.01)
    second = jobs.submit(read_model.REFRESH, {"trust": trust.pk}, organisation=trust)
    assert second.result == {"rebuilt": 1, "dropped": 0, "already_fresh": 0, "deferred": 0}


def test_prebuild_makes_a_snapshot_per_scope_and_pages_then_only_read(trust, client):
    from django.core.management import call_command

    ceo = user_with_roles(trust, Role.EXECUTIVE)
    user_with_roles(trust, Role.EXECUTIVE)  # the same scope: no second snapshot
    user_with_roles(trust, Role.KPO_FACILITATOR)
    call_command("refresh_dashboards", keys="programme", months="2019-07", stdout=io.StringIO())
    trust_snapshots = Snapshot.objects.filter(organisation=trust)
    assert trust_snapshots.filter(kind=SnapshotKind.TRUST).count() == 2  # executive, KPO
    assert trust_snapshots.filter(kind=SnapshotKind.TGT_REPORT).count() == 2
    # The summary: one snapshot per table, each its own refresh job (they build side by side).
    assert Snapshot.objects.filter(kind=SnapshotKind.PARTNERSHIP).count() == len(
        read_model.partnership_keys()
    )
    assert all(s.payload is not None for s in Snapshot.objects.all())
    built = {s.pk: s.built_at for s in Snapshot.objects.all()}
    client.force_login(ceo)
    assert client.get(f"/dashboard/{trust.short_name}/?period=programme").status_code == 200
    assert {s.pk: s.built_at for s in Snapshot.objects.all()} == built  # read, not rebuilt


def test_refresh_dashboards_refuses_unknown_presets_and_months():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown period preset"):
        call_command("refresh_dashboards", keys="forever", stdout=io.StringIO())
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("refresh_dashboards", months="July", stdout=io.StringIO())


def test_a_full_recompute_queues_one_independent_job_per_item_in_the_bulk_queue(
    trust, jobs_run_here
):
    from vmi_programme import jobs

    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    submitted = jobs.recompute_all()
    refreshes = [j for j in submitted if j.kind == read_model.REFRESH]
    assert [j.parameters for j in refreshes] == [{"trust": trust.pk}]
    assert all(j.queue == "bulk" for j in submitted)
    assert all(j.status == JobStatus.SUCCEEDED for j in submitted), [
        (j.kind, j.error) for j in submitted
    ]


# --- the partnership summary, one table a snapshot ------------------------------------------------


def test_the_summary_is_stored_a_table_a_snapshot_and_refreshed_a_table_a_job(
    trust, settings, jobs_run_here, django_capture_on_commit_callbacks
):
    """So N bulk workers build the summary's tables side by side (the heaviest table, not their
    sum, is the time to fresh figures); a burst of changes queues each table once."""
    from rpiw.models import ValueStream

    regulator = user_with_roles(OrganisationFactory(short_name="CQC"), Role.REGULATOR)
    reading = read_model.read_partnership(read_model.PUBLISHED, regulator)
    keys = read_model.partnership_keys()
    assert [s.key for s in reading.parts] == keys and len(keys) >= 6
    assert [t.key for t in reading.data] == [t.key for t in partnership.build(None)]
    built_at = min(s.built_at for s in reading.parts)
    assert reading.built_at == built_at  # the page's "as of" is its oldest table's

    settings.READ_MODEL_BUILD_INLINE = False
    with django_capture_on_commit_callbacks(execute=True):
        ValueStream.objects.create(organisation=trust, name="Flow", started_on=dt.date(2017, 1, 1))
    refreshes = Job.objects.filter(kind=read_model.REFRESH, organisation=None)
    assert sorted(j.parameters["snapshots"][0] for j in refreshes) == sorted(
        s.pk for s in reading.parts
    )
    assert all(len(j.parameters["snapshots"]) == 1 for j in refreshes)
    assert all(j.status == JobStatus.SUCCEEDED for j in refreshes)
    again = read_model.read_partnership(read_model.PUBLISHED, regulator)
    assert not again.stale and min(s.built_at for s in again.parts) > built_at
    assert again.version != reading.version


def test_queued_table_refreshes_coalesce(trust):
    """While a table's refresh waits in the queue, further changes add no second one."""
    regulator = user_with_roles(OrganisationFactory(short_name="CQC"), Role.REGULATOR)
    read_model.read_partnership(read_model.PUBLISHED, regulator)
    tables = list(Snapshot.objects.filter(organisation=None).values_list("pk", flat=True))
    waiting = Job.objects.create(
        kind=read_model.REFRESH,
        parameters={"snapshots": [tables[0]]},
        status=JobStatus.QUEUED,
        queue="bulk",
    )
    from vmi_programme import jobs

    submitted: list[dict] = []
    real_submit = jobs.submit

    def recording_submit(kind, parameters, **kwargs):
        submitted.append(parameters)
        return real_submit(kind, parameters, **kwargs)

    jobs.submit = recording_submit
    try:
        read_model.schedule_trust(None)
    finally:
        jobs.submit = real_submit
    assert sorted(p["snapshots"][0] for p in submitted) == sorted(tables[1:])
    assert waiting.pk  # the waiting one stands for the first table


def test_prune_drops_only_snapshots_nobody_read_lately(trust):
    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    read_model.read(SnapshotKind.TRUST, trust, "programme", ceo)
    old = timezone.now() - dt.timedelta(days=40)
    Snapshot.objects.filter(key="12m").update(requested_at=old)
    assert read_model.prune(unread_for=dt.timedelta(days=30)) == 1
    assert list(Snapshot.objects.values_list("key", flat=True)) == ["programme"]
    # Reading marks a snapshot read (at most once a day), which keeps it.
    Snapshot.objects.update(requested_at=old)
    read_model.read(SnapshotKind.TRUST, trust, "programme", ceo)
    assert read_model.prune(unread_for=dt.timedelta(days=30)) == 0
    from django.core.management import call_command

    out = io.StringIO()
    call_command("prune_snapshots", days=1, stdout=out)
    assert "0 snapshots" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("prune_snapshots", days=0, stdout=io.StringIO())


def test_a_refresh_waits_for_the_analyses_still_computing_its_inputs(
    trust, jobs_run_here, settings
):
    """A recompute's refreshes rebuild each page once, after its trust's analyses, not after
    every one of them; figures older than the longest wait are rebuilt anyway."""
    from vmi_programme import jobs

    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    Snapshot.objects.update(changed_at=timezone.now())
    analysis = Job.objects.create(
        kind="networks.summarise", status=JobStatus.QUEUED, organisation=trust, parameters={}
    )
    first = jobs.submit(read_model.REFRESH, {"trust": trust.pk}, organisation=trust)
    assert first.result == {"rebuilt": 0, "dropped": 0, "already_fresh": 0, "deferred": 1}
    analysis.organisation = OrganisationFactory(short_name="OTHER")
    analysis.save()  # another trust's analysis is no input of this trust's pages
    second = jobs.submit(read_model.REFRESH, {"trust": trust.pk}, organisation=trust)
    assert second.result["rebuilt"] == 1

    Snapshot.objects.update(changed_at=timezone.now())
    analysis.organisation = trust
    analysis.save()
    settings.READ_MODEL_MAX_DEFER_SECONDS = 0  # the figures are older than the longest wait
    third = jobs.submit(read_model.REFRESH, {"trust": trust.pk}, organisation=trust)
    assert third.result["rebuilt"] == 1


def test_a_failed_analysis_lets_the_refresh_that_waited_for_it_go_ahead(
    trust, jobs_run_here, django_capture_on_commit_callbacks
):
    from vmi_programme import jobs

    ceo = user_with_roles(trust, Role.EXECUTIVE)
    read_model.read(SnapshotKind.TRUST, trust, "12m", ceo)
    Snapshot.objects.update(changed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        failed = jobs.submit("networks.summarise", {"wave": 10**9}, organisation=trust)
    assert failed.status == JobStatus.FAILED
    snapshot = Snapshot.objects.get()
    assert snapshot.built_at > snapshot.changed_at  # the refresh its end queued went ahead
