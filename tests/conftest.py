import pytest
from django.db import connection

from tests.factories.accounts import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def on_postgresql(db) -> bool:
    return connection.vendor == "postgresql"
