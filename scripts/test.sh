#!/usr/bin/env bash
# Set up and run the whole test suite: lint, then once on the embedded default (SQLite, tasks
# in-process), then once on PostgreSQL + Redis with a real Celery worker process.
# REQUIRE_SERVICES=1 makes a missing PostgreSQL or Redis a failure instead of a skip.
source "$(dirname "$0")/_setup.sh"
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/vmi_programme}
export TEST_CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}

# The browser tests drive Debian's Chromium; install it when we can (root with apt-get).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the browser tests (apt-get install chromium) ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is not installed: the browser tests will be skipped (apt-get install chromium)."
  fi
fi

echo "== ruff check, ruff format --check"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

# mypy and makemigrations load the settings: keep them off the developer's var/ and services.
echo "== mypy (strict on the analysis code, a lenient baseline elsewhere: [tool.mypy])"
env -u DATABASE_URL -u CELERY_BROKER_URL VMI_VAR_DIR="$(mktemp -d)" .venv/bin/mypy

echo "== makemigrations --check (every model change has its migration)"
env -u DATABASE_URL -u CELERY_BROKER_URL VMI_VAR_DIR="$(mktemp -d)" \
  .venv/bin/python manage.py makemigrations --check --dry-run

# Both runs spread test files over the machine's cores (pytest-xdist; TEST_WORKERS=1 for one
# process). Whole files go to one worker (--dist loadfile), so a module's seeded demo is built
# once and the worker-recovery tests, which share a Redis database, never overlap.
parallel=(-n "${TEST_WORKERS:-2}" --dist loadfile)
[ "${TEST_WORKERS:-2}" != "1" ] || parallel=(-p no:xdist)

# Line coverage of the product code ([tool.coverage] in pyproject.toml); its floor (fail_under)
# holds for the whole suite, so a run given extra pytest arguments is not measured.
coverage=(--cov --cov-report=term:skip-covered)
[ $# -eq 0 ] || coverage=()

# The crawl of every page per role runs once, in the PostgreSQL run below.
echo "== 1/2: embedded default (SQLite, tasks in-process), with coverage"
env -u DATABASE_URL -u CELERY_BROKER_URL VMI_VAR_DIR="$(mktemp -d)" \
  .venv/bin/python -m pytest -m "not services and not crawl" -p no:cacheprovider "${parallel[@]}" \
  "${coverage[@]}" "$@"

echo "== 2/2: PostgreSQL + Redis + a real Celery worker"
if problem=$(.venv/bin/python scripts/check_services.py "$TEST_DATABASE_URL" "$TEST_CELERY_BROKER_URL"); then
  DATABASE_URL="$TEST_DATABASE_URL" CELERY_BROKER_URL="$TEST_CELERY_BROKER_URL" VMI_VAR_DIR="$(mktemp -d)" \
    .venv/bin/python -m pytest -p no:cacheprovider "${parallel[@]}" "$@"
elif [ "${REQUIRE_SERVICES:-0}" = "1" ]; then
  echo "REQUIRE_SERVICES=1 but $problem" >&2
  exit 1
else
  echo "Skipping the service-backed run: $problem"
  env -u DATABASE_URL -u CELERY_BROKER_URL VMI_VAR_DIR="$(mktemp -d)" \
    .venv/bin/python -m pytest -m "services or crawl" -p no:cacheprovider "${parallel[@]}" -rs "$@"
fi
