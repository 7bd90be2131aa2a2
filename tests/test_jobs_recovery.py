"""Jobs always finish: a killed worker, a broker that lost its messages, and the reaper."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import jobs_in_process
from django.core.management import call_command
from django.utils import timezone

from vmi_programme import jobs
from vmi_programme.models import Job, JobStatus


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} after {timeout}s")
        time.sleep(0.2)


def _finished(job: Job, timeout: float, worker=None) -> Job:
    def done() -> bool:
        job.refresh_from_db()
        return job.is_finished

    try:
        _wait_until(done, timeout, f"finished (job {job.pk} is {job.status})")
    except AssertionError:
        if worker is not None:
            print(worker.log_tail())
        raise
    return job


@pytest.fixture
def in_process():
    """The reaper's re-sent jobs run here and now, whatever broker the run is configured with."""
    with jobs_in_process():
        yield


def _job(status: str, *, age: timedelta = timedelta(0), silent: timedelta | None = None, **fields):
    now = timezone.now()
    values = {"created_at": now - age, "dispatched_at": now - age}
    if status == JobStatus.RUNNING:
        values |= {"started_at": now - age, "heartbeat_at": now - (silent or timedelta(0))}
        values.setdefault("attempts", 1)
    return Job.objects.create(kind="programme.echo", status=status, **(values | fields))


# The reaper, without a worker (jobs it re-sends run in-process).


@pytest.mark.django_db
def test_a_running_job_whose_worker_went_silent_is_requeued_and_run_again(in_process):
    job = _job(JobStatus.RUNNING, age=timedelta(minutes=5), silent=timedelta(minutes=3))
    report = jobs.reap()
    assert report.requeued == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2


@pytest.mark.django_db
def test_a_silent_job_that_used_its_last_attempt_fails_with_a_readable_message(settings):
    job = _job(
        JobStatus.RUNNING,
        age=timedelta(minutes=5),
        silent=timedelta(minutes=3),
        attempts=settings.JOBS_MAX_ATTEMPTS,
    )
    assert jobs.reap().failed == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The worker running this job stopped (3 attempts)")
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_running_job_with_a_recent_heartbeat_is_left_alone(settings):
    job = _job(JobStatus.RUNNING, age=timedelta(minutes=10), silent=timedelta(seconds=5))
    report = jobs.reap()
    assert (report.requeued, report.failed, report.redispatched) == ([], [], [])
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_a_job_running_past_its_time_limit_fails_even_with_a_live_worker(settings):
    settings.JOBS_DEFAULT_TIME_LIMIT = 600
    job = _job(JobStatus.RUNNING, age=timedelta(minutes=13), silent=timedelta(seconds=1))
    assert jobs.reap().failed == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The job ran longer than its limit of 10 minutes")


@pytest.mark.django_db
def test_a_job_queued_and_not_started_in_time_is_sent_again_and_runs(in_process):
    job = _job(JobStatus.QUEUED, age=timedelta(minutes=10))
    assert jobs.reap().redispatched == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_job_queued_recently_is_not_sent_again():
    job = _job(JobStatus.QUEUED, age=timedelta(seconds=10))
    assert jobs.reap().redispatched == []
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


@pytest.mark.django_db
def test_a_job_queued_for_over_a_day_is_given_up_with_a_readable_message():
    job = _job(JobStatus.QUEUED, age=timedelta(days=2))
    assert jobs.reap().failed == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "No worker started this job in time" in job.error


@pytest.mark.django_db
def test_reaping_twice_acts_once(settings):
    _job(JobStatus.RUNNING, age=timedelta(minutes=5), silent=timedelta(minutes=3), attempts=3)
    assert len(jobs.reap().failed) == 1
    second = jobs.reap()
    assert (second.requeued, second.failed, second.redispatched) == ([], [], [])


@pytest.mark.django_db
def test_a_redelivered_message_for_a_running_job_does_not_run_it_a_second_time():
    job = _job(JobStatus.RUNNING, silent=timedelta(seconds=1))
    again = jobs.execute(job.pk)
    assert again.status == JobStatus.RUNNING
    assert again.attempts == 1  # not claimed a second time


@pytest.mark.django_db
def test_a_message_for_a_finished_job_changes_nothing():
    job = _job(JobStatus.FAILED, error="Too few months", attempts=1)
    assert jobs.execute(job.pk).error == "Too few months"


@pytest.mark.django_db
def test_a_run_the_reaper_took_back_can_no_longer_write_progress():
    job = _job(JobStatus.RUNNING, attempts=2)  # the reaper re-queued attempt 1, attempt 2 runs
    jobs.JobContext(job, attempt=1).progress(80, "late news from a lost worker")
    job.refresh_from_db()
    assert (job.progress, job.progress_message) == (0, "")


@pytest.mark.django_db
def test_a_job_kind_can_set_its_own_time_limit_within_the_maximum(settings):
    @jobs.job_kind("tests.quick", time_limit=60)
    def quick(job, **_):
        return {}

    assert jobs.time_limit_for("tests.quick") == 60
    assert jobs.time_limit_for("programme.echo") == settings.JOBS_DEFAULT_TIME_LIMIT
    with pytest.raises(ValueError, match="time_limit must be between 1 and 3600"):
        jobs.job_kind("tests.endless", time_limit=settings.JOBS_MAX_TIME_LIMIT + 1)


def test_the_broker_keeps_an_unacknowledged_job_longer_than_the_longest_job(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility > settings.JOBS_MAX_TIME_LIMIT + jobs.HARD_LIMIT_GRACE_SECONDS


def test_beat_runs_the_reaper_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reap-jobs"]
    assert entry["task"] == "vmi_programme.tasks.reap_jobs"
    assert entry["schedule"] == 60.0


@pytest.mark.django_db
def test_the_reap_jobs_command_says_what_it_did(in_process):
    job = _job(JobStatus.QUEUED, age=timedelta(minutes=10))
    out = io.StringIO()
    call_command("reap_jobs", stdout=out)
    assert "1 re-sent" in out.getvalue()
    assert f"re-sent: {job.pk}" in out.getvalue()


@pytest.mark.django_db
def test_health_reports_stuck_jobs_as_degraded_and_names_them_to_staff_only(client, settings):
    from django.contrib.auth import get_user_model

    stuck = _job(JobStatus.RUNNING, age=timedelta(minutes=5), silent=timedelta(minutes=3))
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("embedded default only: the other checks must pass for 'degraded'")
    anonymous = client.get("/health/")
    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "degraded"}
    client.force_login(get_user_model().objects.create_user("ops", is_staff=True))
    body = client.get("/health/").json()
    assert body["failing"] == ["jobs"]
    assert body["stuck_jobs"] == {"running": [stuck.pk], "queued": []}


# With a real worker and a real Redis.


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_whole_worker_was_killed_mid_run_finishes_on_a_new_worker(
    restartable_worker,
):
    restartable_worker.start()
    job = jobs.submit("programme.echo", {"steps": 4, "sleep": 6})

    def beating() -> bool:  # running, and the worker's heartbeat thread has stamped it
        job.refresh_from_db()
        return job.status == JobStatus.RUNNING and job.heartbeat_at > job.started_at

    _wait_until(beating, 30, "running with a heartbeat")
    restartable_worker.kill()
    _wait_until(lambda: jobs.stuck_jobs()["running"] == [job.pk], 15, "seen as stuck")

    restartable_worker.start()  # reaps on start: the job is re-queued and run again
    job = _finished(job, 40, restartable_worker)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert job.result == {"steps": 4, "params": {}}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_jobs_queued_when_the_broker_lost_its_messages_run_once_a_worker_starts(
    restartable_worker,
):
    queued = [jobs.submit("programme.echo", {"steps": 1, "n": n}) for n in range(2)]
    assert restartable_worker.queued_messages() == 2
    restartable_worker.flush_broker()  # Redis restarted without persistence
    assert restartable_worker.queued_messages() == 0
    wanted = sorted(job.pk for job in queued)
    _wait_until(lambda: sorted(jobs.stuck_jobs()["queued"]) == wanted, 15, "seen as stuck")

    restartable_worker.start()  # reaps on start: the jobs are sent again from the database
    for job in queued:
        job = _finished(job, 40, restartable_worker)
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert job.attempts == 1


def test_the_compose_stack_runs_beat_and_shares_a_redis_cache():
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).parent.parent / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "vmi_programme", "beat"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["CACHE_URL"].startswith("redis://"), name


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_job_running_past_its_time_limit_is_stopped_by_the_worker_and_failed(
    restartable_worker, settings
):
    settings.JOBS_DEFAULT_TIME_LIMIT = 2  # sent with the message as Celery's soft time limit
    restartable_worker.env["JOBS_DEFAULT_TIME_LIMIT"] = "2"  # the worker words the message
    restartable_worker.start()
    job = jobs.submit("programme.echo", {"steps": 20, "sleep": 20})
    job = _finished(job, 30, restartable_worker)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The job ran longer than its limit of 2 seconds")
    assert job.progress < 100
