import pytest
from django.db import connection

from tests.factories.accounts import UserFactory


@pytest.fixture(autouse=True)
def export_cache_dir(settings, tmp_path):
    # Each test's programme starts at version 1 again: cached export files must not outlive the test.
    settings.ROSTRUM_EXPORT_CACHE_DIR = tmp_path / "exports"


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def on_postgresql(db) -> bool:
    return connection.vendor == "postgresql"
