"""Recorded jobs: progress, results and failures, in-process and through a real worker."""

import time

import pytest

from vmi_programme import jobs
from vmi_programme.models import Job, JobStatus


def _wait_for(job: Job, timeout: float = 30) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.pk} still {job.status} after {timeout}s")


@pytest.mark.django_db
def test_an_eager_job_records_its_result_and_timings(settings, trust):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("embedded default only")
    job = jobs.submit("programme.echo", {"steps": 2, "label": "x"}, organisation=trust)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.progress == 100
    assert job.result == {"steps": 2, "params": {"label": "x"}}
    assert job.started_at <= job.finished_at
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_failing_job_keeps_a_readable_message(settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("embedded default only")
    job = jobs.submit("programme.echo", {"fail": "Too few months: 12 given, 24 needed"})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Too few months: 12 given, 24 needed"
    assert job.result is None


@pytest.mark.django_db
def test_an_unknown_job_kind_is_refused_before_anything_is_recorded():
    with pytest.raises(ValueError, match="Unknown job kind"):
        jobs.submit("no.such.kind")
    assert not Job.objects.exists()


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a web request submits
def test_jobs_are_refused_with_a_clear_message_when_the_broker_is_down(broker_url):
    broker_url("redis://127.0.0.1:1/0")
    with pytest.raises(jobs.JobRefused, match="job queue is unavailable"):
        jobs.submit("programme.echo")
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "job queue is unavailable" in job.error


@pytest.mark.django_db
def test_stale_marks_only_matching_successful_results(trust, other_trust):
    done = Job.objects.create(
        kind="k", organisation=trust, status=JobStatus.SUCCEEDED, parameters={"wave": "2018-12"}
    )
    other = Job.objects.create(kind="k", organisation=other_trust, status=JobStatus.SUCCEEDED)
    assert jobs.mark_stale("k", organisation=trust, wave="2018-12") == 1
    done.refresh_from_db(), other.refresh_from_db()
    assert done.stale and not other.stale
    assert jobs.latest_result("k", organisation=trust, wave="2018-12") == done


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_job_round_trip_through_a_real_worker(celery_worker, trust):
    job = jobs.submit("programme.echo", {"steps": 3, "label": "worker"}, organisation=trust)
    job = _wait_for(job)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result == {"steps": 3, "params": {"label": "worker"}}
    assert job.progress == 100 and job.progress_message == "Done"
    assert job.duration_seconds is not None


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_failure_in_a_real_worker_is_captured(celery_worker):
    job = _wait_for(jobs.submit("programme.echo", {"fail": "The series is constant"}))
    assert job.status == JobStatus.FAILED
    assert job.error == "The series is constant"


def test_a_job_goes_to_its_kinds_queue_unless_the_caller_names_one(db):
    """Recomputes and refreshes wait in the bulk queue; a user's job in the interactive one."""
    from vmi_programme.jobs import job_kind

    @job_kind("tests.bulk_echo", queue="bulk")
    def bulk_echo(job, **parameters):
        return {"echo": parameters}

    assert jobs.submit("tests.bulk_echo", {"n": 1}).queue == "bulk"
    assert jobs.submit("programme.echo", {"n": 1}).queue == "interactive"
    assert jobs.submit("programme.echo", {"n": 1}, queue="bulk").queue == "bulk"
    with pytest.raises(ValueError, match="queue must be one of"):
        jobs.submit("programme.echo", {}, queue="urgent")
    with pytest.raises(ValueError, match="queue must be one of"):
        job_kind("tests.bad_queue", queue="urgent")
