"""docker-compose.yml is valid YAML and agrees with the settings (no Docker engine runs here)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_has_the_production_services():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(COMPOSE["services"])


def test_every_long_running_service_has_a_health_check_or_depends_on_healthy_ones():
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in COMPOSE["services"][name], name
    assert (
        COMPOSE["services"]["web"]["depends_on"]["migrate"]["condition"]
        == "service_completed_successfully"
    )


def test_postgres_data_lives_in_a_named_volume():
    volumes = COMPOSE["services"]["postgres"]["volumes"]
    assert any(v.startswith("postgres-data:") for v in volumes)
    assert "postgres-data" in COMPOSE["volumes"]


def test_app_services_read_the_variables_the_settings_expect():
    env = COMPOSE["services"]["web"]["environment"]
    for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"):
        assert variable in env, variable
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")


def test_the_worker_consumes_the_queue_the_settings_publish_to(settings):
    command = COMPOSE["services"]["worker"]["command"]
    assert command[command.index("-Q") + 1] == "vmi"
    assert settings.CELERY_TASK_DEFAULT_QUEUE in (
        "vmi",
    ) or settings.CELERY_TASK_DEFAULT_QUEUE.startswith("test-")


def test_no_secret_is_committed_in_the_compose_file():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text


def test_dockerfile_runs_gunicorn_as_an_unprivileged_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile and "USER vmi" in dockerfile


def test_a_second_worker_consumes_the_bulk_queue():
    from vmi_programme.jobs import queue_name

    command = COMPOSE["services"]["worker-bulk"]["command"]
    assert command[command.index("-Q") + 1] == "vmi.bulk"
    assert queue_name("bulk") == f"{queue_name('interactive')}.bulk"
