"""WSGI entry point: Django, with warm programme exports answered in front of it (see export_fast_path)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostrum.settings")
django_application = get_wsgi_application()

from rostrum.programme.views.export_fast_path import ExportFastPath  # noqa: E402 - Django must be set up first

application = ExportFastPath(django_application)
