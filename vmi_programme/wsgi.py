"""WSGI entry point (gunicorn vmi_programme.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmi_programme.settings")
application = get_wsgi_application()
