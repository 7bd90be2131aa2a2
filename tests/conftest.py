"""Shared fixtures: organisations and users per role, real services, a real Celery worker."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from factories import OrganisationFactory, user_with_roles
from vmi_programme.models import OrganisationKind, Role

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parent.parent


def _services_problem() -> str | None:
    """Why the service-backed tests cannot run here, or None when they can."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: run with DATABASE_URL=postgres://... (see README)"
    if not settings.CELERY_BROKER_URL:
        return "needs Redis: run with CELERY_BROKER_URL=redis://... (see README)"
    for name, host, port in (
        ("PostgreSQL", db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)),
        (
            "Redis",
            urlparse(settings.CELERY_BROKER_URL).hostname,
            urlparse(settings.CELERY_BROKER_URL).port or 6379,
        ),
    ):
        try:
            socket.create_connection((host, port), timeout=2).close()
        except OSError:
            return f"{name} is not reachable at {host}:{port}"
    return None


def pytest_collection_modifyitems(config, items):
    problem = _services_problem()
    if problem is None:
        return
    for item in items:
        if "services" in item.keywords:
            if REQUIRE_SERVICES:  # in CI a missing service is a failure, never a skip
                item.add_marker(pytest.mark.usefixtures("_services_required_but_missing"))
            else:
                item.add_marker(pytest.mark.skip(reason=problem))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """An empty cache for each test: the API's throttle counts never carry from one to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _read_model_builds_in_the_request(settings):
    """Pages build the figures they need in the request, as in the embedded default, so tests of
    what a page shows need no worker; tests of the read model's jobs turn this off."""
    settings.READ_MODEL_BUILD_INLINE = True


@pytest.fixture
def _services_required_but_missing():
    pytest.fail(f"REQUIRE_SERVICES=1 but {_services_problem()}", pytrace=False)


@pytest.fixture
def trust(db):
    return OrganisationFactory(
        short_name="SASH", name="Surrey and Sussex Healthcare NHS Trust", ods_code="RTP"
    )


@pytest.fixture
def other_trust(db):
    return OrganisationFactory(
        short_name="LTHT", name="Leeds Teaching Hospitals NHS Trust", ods_code="RR8"
    )


@pytest.fixture
def regulator_org(db):
    return OrganisationFactory(
        short_name="NHSEI",
        name="NHS England and NHS Improvement",
        ods_code=None,
        kind=OrganisationKind.REGULATOR,
    )


@pytest.fixture
def make_user(db):
    """make_user(role, organisation) -> a user holding that role there."""
    return user_with_roles


@pytest.fixture
def kpo_user(trust):
    return user_with_roles(trust, Role.KPO_FACILITATOR, username="kpo")


@pytest.fixture
def regulator_user(regulator_org):
    return user_with_roles(regulator_org, Role.REGULATOR, username="regulator")


@pytest.fixture
def ci_partner_member(db):
    """A TGB member of the CI partner: the partnership's summaries, no trust's own records."""
    vmi = OrganisationFactory(
        short_name="VMI",
        name="Virginia Mason Institute",
        ods_code=None,
        kind=OrganisationKind.CI_PARTNER,
    )
    return user_with_roles(vmi, Role.TGB_MEMBER, username="sensei")


@pytest.fixture
def broker_url(monkeypatch):
    """Point the Celery app at another broker for one test, and put it back afterwards."""
    from vmi_programme.celery import app

    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}

    def forget_connections() -> None:
        # kombu keeps one pool per broker URL; dropping our references makes Celery look up
        # the pool for the current URL again (closing them would break the shared registry).
        app._pool = None
        app.amqp._producer_pool = None
        with contextlib.suppress(AttributeError):
            del app.control.mailbox.producer_pool  # the control mailbox caches its own

    def point_at(url: str) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own config.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        app.conf.update(broker_url=url, task_always_eager=False)
        forget_connections()

    yield point_at
    app.conf.update(**saved)
    forget_connections()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real Celery worker process consuming from Redis against the test database.

    Started once per session on its own queue (so parallel runs never share work) and stopped
    before the test database is dropped.
    """
    problem = _services_problem()
    if problem:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    from vmi_programme.celery import app

    db = connection.settings_dict
    test_db_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"test-{uuid.uuid4().hex[:10]}"
    node = f"{queue}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DATABASE_URL": test_db_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "vmi_programme.settings",
    }
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115 (lives as long as the worker)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "vmi_programme",
            "worker",
            "-Q",
            f"{queue},{queue}.bulk",  # the interactive and bulk queues (jobs.queue_name)
            "-n",
            node,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[node], timeout=1.0):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"Celery worker did not start; log:\n{Path(log.name).read_text()[-3000:]}")
    yield {"process": process, "node": node, "queue": queue, "log": log.name}
    app.conf.task_default_queue = saved_queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


# The Redis database the restartable worker's broker uses: its own, so that a test may FLUSHDB
# it (a broker restarted without persistence) without touching anyone else's queues.
RECOVERY_REDIS_DB = int(os.environ.get("TEST_RECOVERY_REDIS_DB", "15"))

# Job thresholds made short for the recovery tests (seconds); the worker gets them as
# environment variables, the test process as settings.
SHORT_JOB_THRESHOLDS = {
    "JOBS_HEARTBEAT_SECONDS": 0.5,
    "JOBS_STALE_AFTER_SECONDS": 3,
    "JOBS_QUEUED_STALE_AFTER_SECONDS": 2,
}


class RestartableWorker:
    """A Celery worker subprocess (prefork, one child, its own process group) that a test can
    SIGKILL as a whole and start again, on its own queue and Redis database."""

    def __init__(self, broker: str, queue: str, env: dict[str, str]):
        self.broker, self.queue, self.env = broker, queue, env
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the fixture)
            prefix="celery-restartable-", suffix=".log", delete=False
        )

    @property
    def node(self) -> str:
        return f"{self.queue}-{self.starts}@{socket.gethostname()}"

    def start(self, timeout: float = 45) -> None:
        from vmi_programme.celery import app

        assert self.process is None, "the worker is already running"
        self.starts += 1
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "vmi_programme",
                "worker",
                "-Q",
                f"{self.queue},{self.queue}.bulk",
                "-n",
                self.node,
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the pool child too
        )
        deadline = time.monotonic() + timeout
        while not app.control.ping(destination=[self.node], timeout=1.0):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"Celery worker did not start; log:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool child, no warm shutdown."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 9)
        self.process.wait(timeout=20)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def redis(self):
        import redis

        return redis.Redis.from_url(self.broker)

    def flush_broker(self) -> None:
        """What a Redis restarted without persistence looks like: this database, empty."""
        self.redis().flushdb()

    def queued_messages(self) -> int:
        return int(self.redis().llen(self.queue))

    def log_tail(self, chars: int = 3000) -> str:
        return Path(self.log.name).read_text()[-chars:]


@pytest.fixture
def restartable_worker(django_db_setup, broker_url, settings):
    """A worker subprocess to kill and start again (not started yet: call ``.start()``).

    It and this test's ``jobs.submit`` use a queue of their own on Redis database
    ``RECOVERY_REDIS_DB``, and the job thresholds are short (``SHORT_JOB_THRESHOLDS``) in both.
    """
    problem = _services_problem()
    if problem:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    from vmi_programme.celery import app

    broker = urlparse(settings.CELERY_BROKER_URL)._replace(path=f"/{RECOVERY_REDIS_DB}").geturl()
    broker_url(broker)
    for name, value in SHORT_JOB_THRESHOLDS.items():
        setattr(settings, name, value)
    db = connection.settings_dict
    queue = f"test-recovery-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        **{name: str(value) for name, value in SHORT_JOB_THRESHOLDS.items()},
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "vmi_programme.settings",
    }
    saved_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    worker = RestartableWorker(broker, queue, env)
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_default_queue = saved_queue
        with contextlib.suppress(Exception):  # leave nothing queued for a later run
            worker.redis().delete(queue)


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's headless Chromium driven by Playwright (no browser download)."""
    import shutil

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        reason = "Chromium is not installed (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


# The password every browser test signs in with: the factories' users have it, and the seeded
# demo's users are given it by ``demo_site``.
TEST_PASSWORD = "correct-horse-battery"

# Injected through the browser's devtools, so the Content-Security-Policy does not apply to it.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def sign_in(page, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the sign-in form in a browser tab, as a person does."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A fresh browser tab pointed at the live test server, signed out.

    ``page.login(username, password=TEST_PASSWORD)`` signs in through the sign-in form;
    ``page.pick_person(box, typed, label)`` chooses someone with the person picker;
    ``page.script_errors`` lists the page's uncaught script errors so far.
    """
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.script_errors = []
    page.on("pageerror", lambda exc: page.script_errors.append(str(exc)))

    def pick_person(box: str, typed: str, label: str) -> None:
        """Type part of a name into a person picker's box (its search box, or the text input
        beyond 100 people), wait for this search's match starting with ``label`` and choose it,
        as a user does. The list still holds the last search's matches until this one's
        answer arrives, hence waiting for the match itself."""
        page.fill(box, typed)
        matches = box.removesuffix("-search") + "-matches"
        option = page.locator(f"{matches} option[value^='{label}']").first
        option.wait_for(state="attached")
        page.fill(box, option.get_attribute("value"))

    page.login = lambda username, password=TEST_PASSWORD: sign_in(page, username, password)
    page.pick_person = pick_person
    yield page
    context.close()


@pytest.fixture
def page(browser_page):
    """``browser_page`` that fails the test on a Content-Security-Policy violation or an uncaught
    script error on any page it opened; ``page.csp_violations()`` lists those so far."""
    logged: list[str] = []  # Chromium logs each violation to the console, page after page
    browser_page.on(
        "console",
        lambda message: (
            logged.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    browser_page.add_init_script(CSP_LISTENER)  # the current page's, with the blocked URI

    def csp_violations() -> list[str]:
        return logged + browser_page.evaluate("window.__cspViolations || []")

    browser_page.csp_violations = csp_violations
    yield browser_page
    assert csp_violations() == []
    assert browser_page.script_errors == []


@pytest.fixture
def demo_site(transactional_db):
    """The seeded demo partnership for a browser test (its analysis jobs run in this process);
    every demo user signs in with ``TEST_PASSWORD``. Returns the administrator."""
    import io

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    with jobs_in_process():
        call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects
    users.update(password=make_password(TEST_PASSWORD))  # one hash for all: hashing is slow
    return users.get(username="admin")


@contextlib.contextmanager
def jobs_in_process():
    """Run the demo seed's analysis jobs (network and ITS runs) in this process whatever the
    broker, so the stored results pages read exist without a worker."""
    from vmi_programme.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def jobs_run_here():
    """For one test: recorded jobs run in this process, on the PostgreSQL run too (where they
    would otherwise wait on the broker for a worker the test did not start)."""
    with jobs_in_process():
        yield


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker):
    """The demo partnership, seeded once for a test module and flushed after it."""
    import io

    from django.core.management import call_command

    with django_db_blocker.unblock(), jobs_in_process():
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
