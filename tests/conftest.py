import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.factories.accounts import UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    # Tests of threads racing for a seat or an invoice number need SQLite in a file: its in-memory test
    # database (shared cache) fails a second writer at once ("database table is locked") instead of letting
    # it wait its turn as the busy timeout does. ROSTRUM_TEST_SQLITE_NAME still chooses the file.
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database["TEST"].get("NAME"):
        database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


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
