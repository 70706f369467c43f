"""Fixtures shared by the registration tests: an event with a congress registration on sale; invoices and
proofs in a private folder of the test's own."""

import pytest

from tests.factories.programme import EventFactory
from tests.registration.orders_support import priced


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def event(db):
    return EventFactory(slug="ecr-2030", title="ECR 2030")


@pytest.fixture
def congress(event):
    return priced("450.00", event=event, code="ecr2030-congress", name="ECR 2030 congress registration")
