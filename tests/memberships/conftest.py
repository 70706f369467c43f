import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rostrum.memberships.catalogue import membership_types_load
from rostrum.memberships.models import MembershipType
from tests.factories.accounts import UserFactory


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    # Proof documents are written to disk (they live outside MEDIA_ROOT); each test gets its own folder.
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.ROSTRUM_PRIVATE_MEDIA_ROOT


@pytest.fixture
def types(db) -> dict[str, MembershipType]:
    """The society's four membership types, loaded from the shipped data file."""
    membership_types_load()
    return {t.code: t for t in MembershipType.objects.all()}


@pytest.fixture
def radiographer_in_austria(db):
    return UserFactory(profession="radiographer", country="AT", email="eva@example.at")


@pytest.fixture
def student_in_kenya(db):
    return UserFactory(profession="student", country="KE", email="amani@example.ke")


@pytest.fixture
def make_proof():
    def make(name: str = "student-card.pdf") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, b"%PDF-1.4 proof of training", content_type="application/pdf")

    return make
