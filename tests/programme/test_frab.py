"""frab / c3voc schedule.xml and .json: the 31C3 import, round trips, exports valid by both schemas."""

import datetime as dt
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from defusedxml import ElementTree as ET

from rostrum.programme.enums import ProgrammeStatus, SessionFormat
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.exporters.frab import export_frab_json, export_frab_xml
from rostrum.programme.importers.frab import GUID_NAMESPACE, import_frab_xml
from rostrum.programme.models import Event, Person, Presentation, Room, Session
from tests.factories.programme import (
    EventFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    RoomFactory,
    SessionFactory,
    SessionTypeFactory,
    TopicFactory,
    vienna,
)

SHARED = Path("/work/shared")
FIXTURE = SHARED / "fixtures" / "31c3.schedule.xml"
XSD = SHARED / "schemas" / "c3voc-schedule" / "xsd" / "schedule.xml.xsd"
JSON_SCHEMA = SHARED / "schemas" / "c3voc-schedule" / "json" / "schema.json"
CET = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(scope="module")
def xsd():
    return xmlschema.XMLSchema(XSD)


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads(JSON_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def frab_events(data: bytes) -> list[tuple]:
    """(start UTC, end UTC, title, persons) of each frab event, as the acceptance check compares them."""
    events = []
    for element in ET.fromstring(data).iter("event"):
        start = dt.datetime.fromisoformat(element.findtext("date")).astimezone(dt.UTC)
        hours, minutes = element.findtext("duration").split(":")[:2]
        end = start + dt.timedelta(hours=int(hours), minutes=int(minutes))
        persons = [p.text.strip() for p in element.iter("person") if p.text]
        events.append((start, end, element.findtext("title").strip(), persons))
    return sorted(events)


def assert_valid(event, xsd, json_validator) -> tuple[bytes, dict]:
    xml = export_frab_xml(event)
    assert [str(error).splitlines()[0] for error in xsd.iter_errors(xml.decode())] == []
    document = json.loads(export_frab_json(event))
    assert [error.message for error in json_validator.iter_errors(document)] == []
    return xml, document


# The 31C3 import


def test_import_31c3_creates_every_event_room_and_person(db):
    report = import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")

    event = Event.objects.get(slug="c31")
    assert (event.title, event.acronym, event.timezone) == (
        "31. Chaos Communication Congress",
        "31c3",
        "Etc/GMT-1",
    )
    assert (event.start_date, event.end_date) == (dt.date(2014, 12, 27), dt.date(2014, 12, 30))
    assert report.created == {
        "events": 1,
        "rooms": 4,
        "topics": 8,
        "people": 198,
        "sessions": 138,
        "presentations": 138,
    }
    assert set(Room.objects.filter(event=event).values_list("name", flat=True)) == {
        "Saal 1",
        "Saal 2",
        "Saal G",
        "Saal 6",
    }
    assert Presentation.objects.filter(event=event).count() == 138
    assert Person.objects.filter(event=event).count() == 198


def test_import_31c3_puts_an_event_after_midnight_on_its_own_date(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")

    citizenfour = Presentation.objects.get(guid="77aea78c-f2d2-461a-92b3-82929a79d598")
    assert citizenfour.title == "Citizenfour"
    assert citizenfour.starts_at == dt.datetime(2014, 12, 28, 0, 0, tzinfo=CET)
    assert citizenfour.ends_at == dt.datetime(2014, 12, 28, 2, 15, tzinfo=CET)
    assert citizenfour.session.room.name == "Saal 1"
    assert [role.person.printed_name for role in citizenfour.speaker_roles.all()] == ["Laura Poitras"]


def test_import_31c3_keeps_persons_in_order_with_their_frab_ids(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")

    scada = Presentation.objects.get(external_id="6010")
    speakers = [(role.person.code, role.person.printed_name) for role in scada.speaker_roles.all()]
    assert speakers == [("frab-3530", "Sergey Gordeychik"), ("frab-5274", "Aleksandr Timorin")]
    assert scada.links == [
        {"url": "http://www.scadasl.org", "title": "SCADA StrangeLove"},
        {"url": "https://twitter.com/scadasl", "title": "Twitter"},
    ]
    assert (scada.session.code, scada.code, scada.session.format) == ("frab-6010", "frab-6010", "on_site")
    assert [topic.name for topic in scada.session.topics.all()] == ["Security & Hacking"]


def test_import_31c3_derives_a_stable_uuid_from_a_guid_that_is_not_one(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")

    kept = Presentation.objects.get(external_id="6561")
    derived = Presentation.objects.get(external_id="6264")
    assert kept.guid == uuid.UUID("29aecfd7-2e44-4f49-ab86-29b5e0877325")
    assert derived.guid == uuid.uuid5(GUID_NAMESPACE, "HOqeNIb6G7M4hYFKFRkCmQ")
    assert derived.title == "„Wir beteiligen uns aktiv an den Diskussionen“"


def test_import_31c3_round_trips_times_titles_and_persons(db, xsd, json_validator):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")

    xml, document = assert_valid(Event.objects.get(slug="c31"), xsd, json_validator)

    assert frab_events(xml) == frab_events(FIXTURE.read_bytes())
    # Etc/GMT-1 is not a name the JSON schema's pattern accepts: the XML names it, the JSON leaves it out.
    assert ET.fromstring(xml).findtext("conference/time_zone_name") == "Etc/GMT-1"
    assert "time_zone_name" not in document["schedule"]["conference"]


def test_reimport_of_the_same_file_changes_nothing(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")
    version = Event.objects.get(slug="c31").programme_version
    pks = set(Presentation.objects.values_list("pk", flat=True))

    report = import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")

    assert (report.created, report.updated) == ({}, {})
    assert Event.objects.get(slug="c31").programme_version == version
    assert set(Presentation.objects.values_list("pk", flat=True)) == pks
    assert Session.objects.filter(revision__gt=0).count() == 0


def test_reimport_updates_a_moved_and_retitled_event_in_place(db):
    original = FIXTURE.read_bytes()
    import_frab_xml(original, event_slug="c31")
    opening = Presentation.objects.get(external_id="6561")
    changed = original.replace(
        b"<date>2014-12-27T11:00:00+01:00</date>", b"<date>2014-12-27T10:00:00+01:00</date>", 1
    ).replace(b"<title>31C3 Opening Event</title>", b"<title>31C3 Opening</title>")

    report = import_frab_xml(changed, event_slug="c31")

    moved = Presentation.objects.get(pk=opening.pk)
    assert (moved.title, moved.starts_at, moved.revision) == (
        "31C3 Opening",
        dt.datetime(2014, 12, 27, 10, tzinfo=CET),
        1,
    )
    assert (moved.session.starts_at, moved.session.revision) == (dt.datetime(2014, 12, 27, 10, tzinfo=CET), 1)
    assert report.updated == {"sessions": 1, "presentations": 1}
    assert Presentation.objects.count() == 138


def test_reimport_cancels_an_event_the_file_dropped_and_schedules_it_when_back(db):
    original = FIXTURE.read_bytes()
    import_frab_xml(original, event_slug="c31")
    start = original.index(b"<event guid='29aecfd7")
    without_opening = original[:start] + original[original.index(b"</event>", start) + len(b"</event>") :]

    report = import_frab_xml(without_opening, event_slug="c31")

    opening = Presentation.objects.get(external_id="6561")
    assert (opening.status, opening.session.status, opening.revision) == ("cancelled", "cancelled", 1)
    assert report.updated == {"cancelled sessions": 1, "cancelled presentations": 1}
    import_frab_xml(original, event_slug="c31")
    assert Presentation.objects.get(external_id="6561").status == ProgrammeStatus.SCHEDULED


def test_import_into_two_events_keeps_each_programme_apart(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")
    other = EventFactory(slug="ecr-2030")
    ours = PresentationFactory(session=SessionFactory(event=other, code="frab-6561"), code="frab-6561")

    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31-again")

    assert Presentation.objects.filter(event__slug="c31-again").count() == 138
    assert Presentation.objects.filter(event__slug="c31").count() == 138
    assert Presentation.objects.get(pk=ours.pk).title == ours.title
    assert Person.objects.filter(code="frab-3530").count() == 2


def test_import_of_malformed_xml_names_the_line_and_writes_nothing(db):
    broken = FIXTURE.read_bytes().replace(b"<title>31C3 Keynote</title>", b"<title>31C3 Keynote</titel>")

    with pytest.raises(ProgrammeError) as error:
        import_frab_xml(broken, event_slug="c31")

    assert error.value.field == "line 48"
    assert "mismatched tag" in error.value.message
    assert not Event.objects.filter(slug="c31").exists()


def test_import_of_an_event_without_duration_names_its_line_and_writes_nothing(db):
    lacking = FIXTURE.read_bytes().replace(b"<duration>01:00</duration>", b"", 1)

    with pytest.raises(ProgrammeError) as error:
        import_frab_xml(lacking, event_slug="c31")

    assert error.value.field == "line 38"
    assert "31C3 Keynote" in error.value.message
    assert (Event.objects.count(), Session.objects.count(), Person.objects.count()) == (0, 0, 0)


def test_import_into_an_existing_event_writes_nothing_on_error(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31")
    lacking = FIXTURE.read_bytes().replace(b"<title>31C3 Opening Event</title>", b"<title>Renamed</title>")
    lacking = lacking.replace(b"<title>Citizenfour</title>", b"<title></title>")

    with pytest.raises(ProgrammeError) as error:
        import_frab_xml(lacking, event_slug="c31")

    assert error.value.field == "line 296"
    assert Presentation.objects.get(external_id="6561").title == "31C3 Opening Event"


def test_import_refuses_entity_declarations(db):
    bomb = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><schedule>&a;</schedule>'

    with pytest.raises(ProgrammeError, match="refused for safety"):
        import_frab_xml(bomb, event_slug="c31")


def test_import_with_a_time_zone_and_title_names_the_event(db):
    import_frab_xml(FIXTURE.read_bytes(), event_slug="c31", timezone="Europe/Berlin", title="31C3")

    event = Event.objects.get(slug="c31")
    assert (event.title, event.timezone) == ("31C3", "Europe/Berlin")
    assert Presentation.objects.get(external_id="6581").starts_at == dt.datetime(2014, 12, 28, tzinfo=CET)


def test_import_with_an_unknown_time_zone_writes_nothing(db):
    with pytest.raises(ProgrammeError) as error:
        import_frab_xml(FIXTURE.read_bytes(), event_slug="c31", timezone="Europe/Atlantis")

    assert error.value.field == "timezone"
    assert not Event.objects.exists()


def test_import_finds_a_zone_for_offsets_across_a_clock_change(db):
    def event(frab_id, date):
        return (
            f"<event guid='{uuid.uuid4()}' id='{frab_id}'><date>{date}</date><duration>00:30</duration>"
            f"<room>Hall</room><title>Talk {frab_id}</title><type>lecture</type></event>"
        )

    data = (
        "<schedule><version>1</version><conference><title>Spring</title><acronym>spring</acronym></conference>"
        "<day date='2030-03-30' index='1'><room name='Hall'>"
        f"{event(1, '2030-03-30T10:00:00+01:00')}{event(2, '2030-03-31T10:00:00+02:00')}"
        "</room></day></schedule>"
    ).encode()

    import_frab_xml(data, event_slug="spring")

    assert Event.objects.get(slug="spring").timezone.startswith("Europe/")


# Exports


def congress_with_unicode_names():
    event = EventFactory(acronym="ECR", venue="Kraków Congress Centre")
    neuro = TopicFactory(slug="neuro", name="Neuro")
    session = SessionFactory(
        event=event, session_type=SessionTypeFactory(code="RC", name="Refresher Course"), description="Brain."
    )
    session.topics.add(neuro)
    talk = PresentationFactory(session=session, title="Stroke imaging: Müller's way", abstract="")
    PresentationSpeakerFactory(
        presentation=talk, person=PersonFactory(event=event, printed_name="J. Álvarez")
    )
    PresentationSpeakerFactory(
        presentation=talk, person=PersonFactory(event=event, printed_name="K. Müller"), position=1
    )
    PresentationFactory(session=session, title="Q&A <live>", kind="qa", starts_at=vienna(4, 10, 50))
    return event


def online_event_without_venue():
    event = EventFactory(is_online=True, venue="", timezone="America/New_York", acronym="")
    session = SessionFactory(event=event, room=None, format=SessionFormat.LIVE)
    PresentationFactory(session=session, title="Live case review", links=[{"url": "https://example.org/c"}])
    return event


def congress_with_a_cancelled_session():
    event = EventFactory()
    room = RoomFactory(event=event)
    PresentationFactory(session=SessionFactory(event=event, room=room), title="Kept")
    PresentationFactory(
        session=SessionFactory(event=event, room=room, status=ProgrammeStatus.CANCELLED), title="Cancelled"
    )
    return event


def congress_after_midnight():
    event = EventFactory()
    late = SessionFactory(event=event, starts_at=vienna(5, 0, 30), ends_at=vienna(5, 1, 30))
    PresentationFactory(session=late, title="Night session")
    return event


@pytest.mark.parametrize(
    "build",
    [
        congress_with_unicode_names,
        online_event_without_venue,
        congress_with_a_cancelled_session,
        congress_after_midnight,
    ],
)
def test_export_is_valid_by_both_schemas(db, xsd, json_validator, build):
    assert_valid(build(), xsd, json_validator)


def test_export_maps_sessions_and_presentations_to_frab_events(db, xsd, json_validator):
    event = congress_with_unicode_names()

    xml, document = assert_valid(event, xsd, json_validator)

    talk = ET.fromstring(xml).find("day/room/event")
    assert (talk.findtext("title"), talk.findtext("track"), talk.findtext("type")) == (
        "Stroke imaging: Müller's way",
        "Neuro",
        "Refresher Course",
    )
    assert (talk.findtext("date"), talk.findtext("start"), talk.findtext("duration")) == (
        "2030-03-04T10:30:00+01:00",
        "10:30",
        "00:20",
    )
    assert [p.text for p in talk.iter("person")] == ["J. Álvarez", "K. Müller"]
    assert (talk.findtext("abstract"), talk.findtext("description")) == ("", "Brain.")
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["time_zone_name"]) == ("ecr_2030", "Europe/Vienna")
    json_talk = conference["days"][0]["rooms"][talk.findtext("room")][0]
    assert json_talk["persons"][0]["name"] == "J. Álvarez"
    assert "id" not in json_talk["persons"][0]


def test_export_places_a_session_without_room_online(db, xsd, json_validator):
    xml, _ = assert_valid(online_event_without_venue(), xsd, json_validator)

    talk = ET.fromstring(xml).find("day/room/event")
    assert (talk.findtext("room"), talk.findtext("date")) == ("Online", "2030-03-04T04:30:00-05:00")
    assert [link.get("href") for link in talk.iter("link")] == ["https://example.org/c"]


def test_export_leaves_out_cancelled_sessions(db):
    titles = [e[2] for e in frab_events(export_frab_xml(congress_with_a_cancelled_session()))]
    assert titles == ["Kept"]


def test_export_keeps_a_session_after_midnight_on_the_day_before(db):
    root = ET.fromstring(export_frab_xml(congress_after_midnight()))

    days = {day.get("date"): [e.findtext("title") for e in day.iter("event")] for day in root.iter("day")}

    assert days["2030-03-04"] == ["Night session"]
    assert days["2030-03-05"] == []


def test_export_shows_only_its_own_event(db):
    ours, theirs = congress_with_unicode_names(), congress_after_midnight()

    titles = [e[2] for e in frab_events(export_frab_xml(ours))]

    assert "Night session" not in titles
    assert Presentation.objects.filter(event=theirs).exists()


def test_export_costs_the_same_queries_for_more_presentations(db, django_assert_num_queries):
    event = congress_with_unicode_names()
    with django_assert_num_queries(4):
        export_frab_xml(event)
    for index in range(5):
        session = SessionFactory(event=event, starts_at=vienna(5, 9 + index))
        PresentationSpeakerFactory(presentation=PresentationFactory(session=session))
    with django_assert_num_queries(4):
        export_frab_xml(event)
