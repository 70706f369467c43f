import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from rostrum.core.models import ActivityLog
from rostrum.programme.enums import (
    EventKind,
    Level,
    PresentationKind,
    ProgrammeStatus,
    SessionFormat,
    SessionRole,
)
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.exporters.native import export_native
from rostrum.programme.importers import programme_import
from rostrum.programme.importers.native import SCHEMA_PATH, import_native
from rostrum.programme.models import (
    Event,
    Organisation,
    Person,
    Presentation,
    PresentationSpeaker,
    Room,
    Session,
    SessionPerson,
    SessionType,
    Topic,
)
from tests.factories.programme import (
    AudienceFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    RoomFactory,
    SessionFactory,
    SessionPersonFactory,
    SessionTypeFactory,
    TopicFactory,
    vienna,
)

DOCS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "programme.schema.json"


def programme() -> dict:
    """A small course programme as staff would write it: two sessions, one room, three people."""
    return {
        "format_version": 1,
        "event": {
            "kind": "course",
            "slug": "pcc-2030",
            "title": "ESOR Patient Communication Course",
            "timezone": "Europe/Vienna",
            "start_date": "2030-03-04",
            "end_date": "2030-03-05",
            "is_online": True,
            "supporting_societies": ["European Society of Paediatric Radiology"],
        },
        "session_types": [{"code": "OC", "name": "Online course"}],
        "topics": [{"slug": "communication", "name": "Patient communication"}],
        "organisations": [{"name": "European Society of Paediatric Radiology", "acronym": "ESPR"}],
        "rooms": [{"name": "Channel 1"}],
        "people": [
            {"code": "radzina", "printed_name": "M. Radzina", "city": "Riga", "country": "LV"},
            {"code": "brady", "printed_name": "A. Brady", "city": "Cork", "country": "IE"},
            {"code": "fuchsjaeger", "printed_name": "M. Fuchsjäger", "city": "Graz", "country": "AT"},
        ],
        "sessions": [
            {
                "code": "OC 1",
                "title": "Breaking bad news",
                "session_type": "OC",
                "topics": ["communication", "ethics"],
                "format": "live",
                "starts_at": "2030-03-04T10:00:00+01:00",
                "ends_at": "2030-03-04T11:00:00+01:00",
                "room": "Channel 1",
                "learning_objectives": ["To learn how to talk", "To listen"],
                "people": [{"person": "brady", "role": "moderator"}],
                "presentations": [
                    {
                        "code": "OC 1-1",
                        "title": "Why it matters",
                        "starts_at": "2030-03-04T10:00:00+01:00",
                        "ends_at": "2030-03-04T10:30:00+01:00",
                        "speakers": ["radzina", {"person": "brady", "role": "tutor"}],
                    },
                    {
                        "code": "OC 1-2",
                        "kind": "qa",
                        "title": "Q&A",
                        "starts_at": "2030-03-04T10:30:00+01:00",
                        "ends_at": "2030-03-04T11:00:00+01:00",
                    },
                ],
            },
            {
                "code": "OC 2",
                "title": "Consent",
                "session_type": "OC",
                "starts_at": "2030-03-05T10:00:00+01:00",
                "ends_at": "2030-03-05T11:00:00+01:00",
                "room": "Channel 1",
                "people": [{"person": "fuchsjaeger", "role": "chair"}],
            },
        ],
    }


def encode(document: dict) -> bytes:
    return json.dumps(document).encode()


def counts(event_slug: str) -> dict[str, int]:
    return {
        "rooms": Room.objects.filter(event__slug=event_slug).count(),
        "people": Person.objects.filter(event__slug=event_slug).count(),
        "sessions": Session.objects.filter(event__slug=event_slug).count(),
        "presentations": Presentation.objects.filter(event__slug=event_slug).count(),
        "roles": SessionPerson.objects.filter(session__event__slug=event_slug).count(),
        "speakers": PresentationSpeaker.objects.filter(presentation__event__slug=event_slug).count(),
    }


def full_event() -> Event:
    """An event using every field the format carries."""
    event = EventFactory(
        kind=EventKind.HIGHLIGHT_WEEK,
        acronym="ECR",
        description="Five days of radiology.",
        organiser="European Society of Radiology",
        language="en",
        url="https://example.org/ecr",
        on_demand_until=dt.datetime(2030, 12, 31, 22, 59, tzinfo=dt.UTC),
        is_online=True,
    )
    event.supporting_societies.set([OrganisationFactory(name="EFRS", acronym="EFRS", url="https://efrs.eu")])
    room = RoomFactory(event=event, name="Room A", capacity=400, description="Hall A")
    moderator = PersonFactory(
        event=event, given_name="Mara", family_name="Radzina", institution="Riga Stradins", biography="Bio"
    )
    speaker = PersonFactory(event=event, country="", city="")
    session = SessionFactory(
        event=event,
        room=room,
        session_type=SessionTypeFactory(code="RC"),
        level=Level.II,
        format=SessionFormat.HYBRID,
        description="A refresher.",
        learning_objectives=["One", "Two"],
        sponsor_acknowledgement="Machines kindly provided.",
        language="de",
        status=ProgrammeStatus.SCHEDULED,
    )
    session.topics.set([TopicFactory(slug="neuro", name="Neuro")])
    session.audiences.set([AudienceFactory(slug="residents", name="Residents")])
    session.supporting_organisations.set([OrganisationFactory(name="RSNA")])
    SessionPersonFactory(session=session, person=moderator, role=SessionRole.MODERATOR)
    SessionPersonFactory(session=session, person=speaker, role=SessionRole.PANELLIST, position=1)
    talk = PresentationFactory(
        session=session,
        kind=PresentationKind.QUIZ,
        subtitle="Sub",
        abstract="Abstract",
        language="en",
        links=[{"url": "https://example.org/slides", "title": "Slides"}],
        external_id="frab-1",
        status=ProgrammeStatus.CANCELLED,
    )
    PresentationSpeakerFactory(presentation=talk, person=speaker)
    PresentationSpeakerFactory(presentation=talk, person=moderator, role=SessionRole.TUTOR, position=1)
    SessionFactory(event=event, room=RoomFactory(event=event, name="Room B"), starts_at=vienna(5, 9))
    return event


def test_published_schema_is_the_one_the_importer_uses():
    assert json.loads(DOCS_SCHEMA.read_text()) == json.loads(SCHEMA_PATH.read_text())


def test_schema_choices_match_the_models():
    defs = json.loads(SCHEMA_PATH.read_text())["$defs"]
    assert defs["event"]["properties"]["kind"]["enum"] == EventKind.values
    assert defs["session"]["properties"]["format"]["enum"] == SessionFormat.values
    assert defs["session"]["properties"]["level"]["enum"] == ["", *Level.values]
    assert defs["presentation"]["properties"]["kind"]["enum"] == PresentationKind.values
    assert defs["person_role"]["properties"]["role"]["enum"] == SessionRole.values
    assert defs["status"]["enum"] == ProgrammeStatus.values


def test_export_then_import_round_trips_without_loss(db):
    event = full_event()
    exported = export_native(event)

    import_native(exported, event_slug="copy")

    again = json.loads(export_native(Event.objects.get(slug="copy")))
    original = json.loads(exported)
    original["event"]["slug"] = "copy"
    assert again == original


def test_export_is_stable_and_names_its_schema(db):
    event = full_event()
    document = json.loads(export_native(event))
    assert (document["$schema"], document["format_version"]) == ("urn:rostrum:programme:1", 1)
    assert export_native(event) == export_native(event)


def test_import_creates_the_event_and_its_programme(db):
    report = import_native(encode(programme()), event_slug="pcc-2030")

    event = Event.objects.get(slug="pcc-2030")
    assert (event.title, event.kind, event.tz.key) == (
        "ESOR Patient Communication Course",
        "course",
        "Europe/Vienna",
    )
    assert [o.acronym for o in event.supporting_societies.all()] == ["ESPR"]
    assert counts("pcc-2030") == {
        "rooms": 1, "people": 3, "sessions": 2, "presentations": 2, "roles": 2, "speakers": 2,
    }  # fmt: skip
    session = Session.objects.get(event=event, code="OC 1")
    assert session.starts_at == dt.datetime(2030, 3, 4, 9, tzinfo=dt.UTC)
    assert (session.session_type.name, session.slug) == ("Online course", "oc-1")
    assert sorted(session.topics.values_list("name", flat=True)) == ["Ethics", "Patient communication"]
    talk = Presentation.objects.get(event=event, code="OC 1-1")
    assert [(s.person.code, s.role) for s in talk.speaker_roles.all()] == [
        ("radzina", "speaker"),
        ("brady", "tutor"),
    ]
    assert report.created["sessions"] == 2
    assert report.conflicts == []


def test_reimport_changes_nothing(db):
    data = encode(programme())
    import_native(data, event_slug="pcc-2030")
    before = counts("pcc-2030")
    version = Event.objects.get(slug="pcc-2030").programme_version

    report = import_native(data, event_slug="pcc-2030")

    assert counts("pcc-2030") == before
    assert Event.objects.get(slug="pcc-2030").programme_version == version
    assert not any(report.created.values()) and not any(report.updated.values())
    assert report.summary() == "pcc-2030: created nothing; updated nothing"


def test_reimport_updates_in_place_and_bumps_the_revision_of_moved_items(db):
    import_native(encode(programme()), event_slug="pcc-2030")
    session = Session.objects.get(code="OC 1")
    talk = Presentation.objects.get(code="OC 1-2")
    document = programme()
    document["sessions"][0]["title"] = "Breaking bad news well"
    document["sessions"][0]["presentations"][1]["starts_at"] = "2030-03-04T10:35:00+01:00"

    report = import_native(encode(document), event_slug="pcc-2030")

    moved, retitled = Presentation.objects.get(code="OC 1-2"), Session.objects.get(code="OC 1")
    assert (moved.pk, moved.guid, moved.revision) == (talk.pk, talk.guid, 1)
    assert (retitled.pk, retitled.title, retitled.revision) == (session.pk, "Breaking bad news well", 0)
    assert (report.updated["sessions"], report.updated["presentations"]) == (1, 1)


def test_reimport_removes_what_the_file_no_longer_lists(db):
    import_native(encode(programme()), event_slug="pcc-2030")
    document = programme()
    del document["sessions"][1]
    document["people"].pop()
    document["sessions"][0]["presentations"][0]["speakers"] = ["brady"]

    report = import_native(encode(document), event_slug="pcc-2030")

    assert counts("pcc-2030") == {
        "rooms": 1, "people": 2, "sessions": 1, "presentations": 2, "roles": 1, "speakers": 1,
    }  # fmt: skip
    assert report.warnings == [
        "Removed 1 people that the file no longer lists: fuchsjaeger.",
        "Removed 1 sessions that the file no longer lists: OC 2.",
    ]


def test_reimport_keeps_a_presentation_whose_session_is_renamed(db):
    import_native(encode(programme()), event_slug="pcc-2030")
    talk = Presentation.objects.get(code="OC 1-1")
    document = programme()
    document["sessions"][0]["code"] = "OC 10"
    document["sessions"][0]["slug"] = "oc-1"

    import_native(encode(document), event_slug="pcc-2030")

    moved = Presentation.objects.get(code="OC 1-1")
    assert (moved.pk, moved.session.code, moved.session.slug, moved.revision) == (talk.pk, "OC 10", "oc-1", 1)


def test_import_into_an_existing_event_keeps_other_events_apart(db):
    other = SessionFactory(code="OC 1")
    import_native(encode(programme()), event_slug="pcc-2030")
    import_native(encode(programme()), event_slug="pcc-2030")
    assert Session.objects.get(pk=other.pk).event == other.event
    assert counts(other.event.slug)["sessions"] == 1


def test_import_title_and_timezone_options_replace_the_files(db):
    import_native(encode(programme()), event_slug="pcc-2030", title="Course", timezone="Europe/Riga")
    assert Event.objects.filter(slug="pcc-2030", title="Course", timezone="Europe/Riga").exists()


def test_import_through_the_registry_logs_one_activity(db):
    programme_import(encode(programme()), format="native", event_slug="pcc-2030")
    assert ActivityLog.objects.filter(action="programme.imported").count() == 1


def test_known_session_type_needs_no_definition(db):
    SessionTypeFactory(code="RC", name="Refresher Course")
    document = programme()
    del document["session_types"]
    document["sessions"][0]["session_type"] = document["sessions"][1]["session_type"] = "RC"
    import_native(encode(document), event_slug="pcc-2030")
    assert SessionType.objects.count() == 1


def test_import_reports_conflicts(db):
    document = programme()
    document["sessions"][1]["starts_at"] = "2030-03-04T10:30:00+01:00"
    document["sessions"][1]["ends_at"] = "2030-03-04T11:30:00+01:00"
    report = import_native(encode(document), event_slug="pcc-2030")
    assert [c.kind for c in report.conflicts] == ["room"]


def broken(change) -> dict:
    document = programme()
    change(document)
    return document


BAD = [
    (lambda d: d["sessions"][0]["presentations"][1].update(starts_at="2030-03-04 10:30"),
     "sessions[0].presentations[1].starts_at", "expected an ISO 8601 date and time with its UTC offset"),
    (lambda d: d["sessions"][0]["presentations"][1].update(starts_at="2030-03-04T10:30:00"),
     "sessions[0].presentations[1].starts_at", "expected an ISO 8601 date and time with its UTC offset"),
    (lambda d: d["sessions"][0]["presentations"][1].update(ends_at="2030-03-04T10:00:00+01:00"),
     "sessions[0].presentations[1].ends_at", "expected a time after starts_at"),
    (lambda d: d["sessions"][1].update(starts_at="2030-02-30T10:00:00+01:00"),
     "sessions[1].starts_at", "is not a real date and time"),
    (lambda d: d["sessions"][1].update(session_type="XX"),
     "sessions[1].session_type", "no session type 'XX'"),
    (lambda d: d["sessions"][1].update(room="Hall Z"), "sessions[1].room", "no room 'Hall Z'"),
    (lambda d: d["sessions"][1]["people"][0].update(person="nobody"), "sessions[1].people[0].person",
     "no person 'nobody'"),
    (lambda d: d["sessions"][0]["presentations"][0]["speakers"].append("radzina"),
     "sessions[0].presentations[0].speakers[2]", "listed twice"),
    (lambda d: d["sessions"][1].update(code="OC 1"), "sessions[1].code", "listed twice"),
    (lambda d: d["sessions"][1].update(presentations=[d["sessions"][0]["presentations"][0]]),
     "sessions[1].presentations[0].code", "used already at sessions[0].presentations[0]"),
    (lambda d: d["sessions"][1].update(level="IV"), "sessions[1].level", "'IV' is not one of"),
    (lambda d: d["sessions"][1].pop("title"), "sessions[1]", "'title' is a required property"),
    (lambda d: d["sessions"][1].update(colour="red"), "sessions[1]", "'colour' was unexpected"),
    (lambda d: d["people"][1].update(country="XY"), "people[1].country", "not an ISO 3166 country code"),
    (lambda d: d["people"][1].update(country="Ireland"), "people[1].country", "expected an ISO 3166"),
    (lambda d: d["event"].update(timezone="Vienna"), "event.timezone", "not an IANA time zone"),
    (lambda d: d["event"].update(end_date="2030-03-01"), "event.end_date", "on or after 2030-03-04"),
    (lambda d: d.update(format_version=2), "format_version", "1 was expected"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "path", "message"), BAD)
def test_bad_input_names_the_path_and_writes_nothing(db, change, path, message):
    with pytest.raises(ProgrammeError) as raised:
        import_native(encode(broken(change)), event_slug="pcc-2030")
    assert (raised.value.field, message in raised.value.message) == (path, True), raised.value.message
    assert not Event.objects.filter(slug="pcc-2030").exists()
    assert (SessionType.objects.count(), Topic.objects.count(), Organisation.objects.count()) == (0, 0, 0)


def test_bad_reimport_leaves_the_programme_as_it_was(db):
    import_native(encode(programme()), event_slug="pcc-2030")
    before = export_native(Event.objects.get(slug="pcc-2030"))
    document = programme()
    del document["sessions"][0]
    document["sessions"][0]["session_type"] = "XX"

    with pytest.raises(ProgrammeError):
        import_native(encode(document), event_slug="pcc-2030")

    assert export_native(Event.objects.get(slug="pcc-2030")) == before


def test_not_json_says_where(db):
    with pytest.raises(ProgrammeError) as raised:
        import_native(b'{"format_version": 1,\n  "event": }', event_slug="x")
    assert raised.value.field == "line 2 column 12"


def test_import_costs_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    small = programme()
    large = copy.deepcopy(small)
    for n in range(3, 40):
        session = copy.deepcopy(small["sessions"][1])
        session["code"] = f"OC {n}"
        session["presentations"] = [
            {"code": f"OC {n}-{i}", "title": "Talk", "starts_at": session["starts_at"],
             "ends_at": session["ends_at"], "speakers": ["radzina"]}
            for i in range(5)
        ]  # fmt: skip
        large["sessions"].append(session)
    import_native(encode(small), event_slug="pcc-2030")
    with django_assert_max_num_queries(60):
        import_native(encode(large), event_slug="pcc-2030")


def test_the_readme_example_imports(db):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = readme.split("### The native JSON format", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    report = import_native(example.encode(), event_slug="pcc-2030")
    assert report.created["presentations"] == 2
    assert report.conflicts == []


def test_reimport_counts_a_changed_event(db):
    import_native(encode(programme()), event_slug="pcc-2030")
    document = programme()
    document["event"]["supporting_societies"] = []
    report = import_native(encode(document), event_slug="pcc-2030", title="New title")
    assert (report.updated, Event.objects.get(slug="pcc-2030").title) == ({"events": 1}, "New title")
    assert not Event.objects.get(slug="pcc-2030").supporting_societies.exists()
