import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rostrum.core.models import ActivityLog
from rostrum.programme.catalogue import SESSION_TYPES, session_types_load
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.models import Event, Session, SessionPerson, SessionType, Topic
from rostrum.programme.services import (
    event_delete,
    organisation_get_or_create,
    session_person_add,
    session_type_update_or_create,
    topic_get_or_create,
)
from tests.factories.programme import (
    EventFactory,
    PersonFactory,
    PresentationFactory,
    SessionFactory,
    SessionTypeFactory,
)


def test_session_types_load_creates_the_catalogue_from_data(db):
    total, created = session_types_load()

    entries = json.loads(SESSION_TYPES.read_text(encoding="utf-8"))
    assert total == created == len(entries) == SessionType.objects.count()
    assert total >= 30
    refresher = SessionType.objects.get(code="RC")
    assert (refresher.slug, refresher.name, refresher.position) == ("refresher-course", "Refresher Course", 0)
    assert refresher.description.startswith("The Refresher Courses (RC) are comprised of a variety")
    codes = set(SessionType.objects.values_list("code", flat=True))
    assert {"NH", "SA", "TC", "CTiR", "HW", "IIQ", "JIIQ", "OF", "PL", "CUBE", "HLL", "HLP", "OC"} <= codes


def test_session_types_load_twice_updates_by_code(db):
    session_types_load()
    SessionType.objects.filter(code="NH").update(name="Renamed by hand", position=99)

    total, created = session_types_load()

    assert created == 0
    assert SessionType.objects.count() == total
    assert SessionType.objects.filter(code="NH").values_list("name", "position").get() == ("New Horizons", 3)


def test_load_session_types_command_reports_a_missing_file(db):
    with pytest.raises(CommandError, match="Cannot read the session-type catalogue"):
        call_command("load_session_types", "/nonexistent/session_types.json")


def test_session_type_update_or_create_logs_only_real_changes(db):
    session_type_update_or_create(code="RC", slug="refresher-course", name="Refresher Course")
    session_type_update_or_create(code="RC", slug="refresher-course", name="Refresher Course")
    session_type, created = session_type_update_or_create(
        code="RC", slug="refresher-course", name="RC renamed"
    )

    assert (created, session_type.name) == (False, "RC renamed")
    actions = list(ActivityLog.objects.order_by("pk").values_list("action", "data"))
    assert actions == [
        ("programme.session_type.created", {"fields": ["name", "slug"]}),
        ("programme.session_type.updated", {"fields": ["name"]}),
    ]


def test_session_type_update_or_create_refuses_a_slug_taken_by_another_code(db):
    SessionTypeFactory(code="NH", slug="new-horizons")

    with pytest.raises(ProgrammeError, match="slug 'new-horizons'"):
        session_type_update_or_create(code="XX", slug="new-horizons", name="Another")


def test_catalogue_get_or_create_finds_existing_rows(db):
    topic = topic_get_or_create(name="Paediatric")
    society = organisation_get_or_create(name="European Society of Paediatric Radiology", acronym="ESPR")

    assert topic_get_or_create(name="Paediatric") == topic
    assert organisation_get_or_create(name="European Society of Paediatric Radiology") == society
    assert (Topic.objects.count(), topic.slug, society.acronym) == (1, "paediatric", "ESPR")


def test_session_person_add_twice_counts_once(db):
    session = SessionFactory()
    person = PersonFactory(event=session.event)

    session_person_add(session, person=person, role="coordinator")
    session_person_add(session, person=person, role="coordinator")

    assert list(SessionPerson.objects.values_list("person", "role")) == [(person.pk, "coordinator")]


def test_session_person_add_refuses_a_person_of_another_event(db):
    session = SessionFactory()
    stranger = PersonFactory(event=EventFactory())

    with pytest.raises(ProgrammeError, match="another event"):
        session_person_add(session, person=stranger, role="moderator")
    assert SessionPerson.objects.count() == 0


def test_session_person_add_refuses_an_unknown_role(db):
    session = SessionFactory()

    with pytest.raises(ProgrammeError, match="not a role"):
        session_person_add(session, person=PersonFactory(event=session.event), role="caterer")


def test_event_delete_removes_its_programme_only(db):
    doomed, kept = PresentationFactory().event, PresentationFactory().event

    event_delete(doomed)

    assert list(Event.objects.all()) == [kept]
    assert list(Session.objects.values_list("event", flat=True)) == [kept.pk]
    assert ActivityLog.objects.filter(action="programme.event.deleted").values_list(
        "data", flat=True
    ).get() == {"slug": doomed.slug}
