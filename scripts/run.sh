#!/usr/bin/env bash
# Set up and run the app with demo data on http://127.0.0.1:8000 (SQLite and in-process tasks
# unless DATABASE_URL / CELERY_BROKER_URL say otherwise).
source "$(dirname "$0")/_setup.sh"
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
echo
echo "Serving on http://127.0.0.1:${PORT:-8000}/ — sign in with one of the logins above. Ctrl+C stops."
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}" --noreload
