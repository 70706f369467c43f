"""Files only their owner and staff may read (membership proofs, invoices): kept outside MEDIA_ROOT, no URL.

MEDIA_URL is served to anyone in development and by the web server in production; a private file reaches
people only through a view that checks permissions. The folder is read from the settings on each use so that
tests can move it: ROSTRUM_PRIVATE_MEDIA_ROOT.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.ROSTRUM_PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("Private files have no public URL; they are served by a view that checks access.")
