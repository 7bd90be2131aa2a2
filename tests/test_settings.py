"""Settings come from the environment; with nothing set the app runs embedded."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "HTTPS_ONLY",
    }
}


def _settings(env: dict, tmp_path) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        " 'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        " 'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'tz': s.TIME_ZONE,"
        " 'hosts': s.ALLOWED_HOSTS, 'key_len': len(s.SECRET_KEY)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **CLEAN_ENV,
            "VMI_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "vmi_programme.settings",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_the_app_uses_sqlite_and_runs_tasks_in_process(tmp_path):
    s = _settings({}, tmp_path)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"].startswith(str(tmp_path))
    assert s["eager"] is True
    assert s["debug"] is False
    assert s["tz"] == "Europe/London"
    assert s["key_len"] >= 50  # generated into var/, never committed
    assert (tmp_path / "secret_key").exists()


def test_database_and_broker_urls_switch_to_postgres_redis_and_workers(tmp_path):
    s = _settings(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/vmi",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        },
        tmp_path,
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "vmi"
    assert s["eager"] is False
    assert s["broker"] == "redis://127.0.0.1:6379/0"


def test_allowed_hosts_and_secret_key_come_from_the_environment(tmp_path):
    s = _settings(
        {"ALLOWED_HOSTS": "kpo.example.nhs.uk,localhost", "SECRET_KEY": "x" * 60}, tmp_path
    )
    assert s["hosts"] == ["kpo.example.nhs.uk", "localhost"]
    assert s["key_len"] == 60
    assert not (tmp_path / "secret_key").exists()


def test_deploy_check_passes_with_the_production_variables(tmp_path):
    env = {
        **CLEAN_ENV,
        "VMI_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "p" + "Zq8-vR2!kL0#mN4$tY6^wX1&" * 3,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "kpo.example.nhs.uk",
        "HTTPS_ONLY": "1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_https_settings(tmp_path):
    env = {**CLEAN_ENV, "VMI_VAR_DIR": str(tmp_path), "SECRET_KEY": "p" * 60, "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr
