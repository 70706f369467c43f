import datetime as dt

import pytest
from django.utils import timezone

from tests.factories.programme import SessionFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def live_session(db):
    """A session that started ten minutes ago and runs fifty more."""
    now = timezone.now()
    return SessionFactory(starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(minutes=50))


@pytest.fixture
def past_session(db):
    """A session that ended an hour ago."""
    now = timezone.now()
    return SessionFactory(starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1))


@pytest.fixture
def future_session(db):
    now = timezone.now()
    return SessionFactory(starts_at=now + dt.timedelta(days=1), ends_at=now + dt.timedelta(days=1, hours=1))
