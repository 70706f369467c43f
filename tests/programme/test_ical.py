import datetime as dt
import zoneinfo

import icalendar
import recurring_ical_events
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostrum.programme import selectors, services
from rostrum.programme.exporters import programme_export
from rostrum.programme.exporters.ical import export_ics, render_ics
from rostrum.programme.models import Event, Session
from tests.factories.programme import EventFactory, SessionFactory
from tests.programme.export_programme import summer_programme, utc


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents_by_uid(event) -> dict[str, icalendar.Event]:
    return {str(vevent["UID"]): vevent for vevent in parse(export_ics(event)).walk("VEVENT")}


def fresh(session: Session) -> Session:
    """The session as a new request would read it (the services save on the instance given)."""
    return Session.objects.get(pk=session.pk)


def test_ics_has_one_vevent_per_session(db):
    programme = summer_programme()

    vevents = parse(export_ics(programme.event)).walk("VEVENT")

    assert [str(v["SUMMARY"]) for v in vevents] == [
        "RC 1203 Paediatric ultrasound",
        "HW 1 Hands-on ultrasound workshop",
    ]


def test_ics_description_lists_talks_with_local_times_and_speakers(db):
    programme = summer_programme()

    description = str(vevents_by_uid(programme.event)[f"{programme.course.guid}@rostrum"]["DESCRIPTION"])

    assert "Moderator: A. Álvarez (Madrid/ES)" in description
    assert "17:00-17:20 Hip sonography\n    M. Radzina (Riga/LV); K. Nowak (Kraków/PL)" in description
    assert "17:20-17:30 Questions and answers" in description


def test_ics_times_carry_the_event_zone_with_its_vtimezone(db):
    programme = summer_programme()

    calendar = parse(export_ics(programme.event))
    vevent = calendar.walk("VEVENT")[0]

    assert vevent["DTSTART"].params["TZID"] == "Europe/Vienna"
    assert vevent.start == dt.datetime(2030, 6, 3, 17, tzinfo=zoneinfo.ZoneInfo("Europe/Vienna"))
    assert vevent.start.astimezone(dt.UTC) == utc(3, 15)
    assert vevent.end.astimezone(dt.UTC) == utc(3, 16)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Vienna"]
    assert calendar.get_missing_tzids() == set()


def test_ics_dtstamp_is_in_utc(db):
    programme = summer_programme()

    workshop = vevents_by_uid(programme.event)[f"{programme.workshop.guid}@rostrum"]

    assert workshop["DTSTAMP"].to_ical().endswith(b"Z")
    assert workshop.stamp == fresh(programme.workshop).updated.replace(microsecond=0)


def test_ics_uids_stay_the_same_across_exports_and_changes(db):
    programme = summer_programme()
    before = set(vevents_by_uid(programme.event))

    services.session_update(
        programme.course, title="Paediatric ultrasound, revised", starts_at=utc(3, 16), ends_at=utc(3, 17)
    )

    assert (
        set(vevents_by_uid(programme.event))
        == before
        == {
            f"{programme.course.guid}@rostrum",
            f"{programme.workshop.guid}@rostrum",
        }
    )


def test_ics_sequence_goes_up_after_a_move_and_a_cancellation(db):
    programme = summer_programme()
    uid = f"{programme.course.guid}@rostrum"
    sequences = [vevents_by_uid(programme.event)[uid]["SEQUENCE"]]

    services.session_update(fresh(programme.course), starts_at=utc(3, 16), ends_at=utc(3, 17))
    sequences.append(vevents_by_uid(programme.event)[uid]["SEQUENCE"])
    services.session_cancel(fresh(programme.course), reason="speaker ill")
    sequences.append(vevents_by_uid(programme.event)[uid]["SEQUENCE"])

    assert sequences == [0, 1, 2]


def test_ics_keeps_a_cancelled_session_with_status_cancelled(db):
    programme = summer_programme()

    services.session_cancel(fresh(programme.course), reason="speaker ill")
    vevents = vevents_by_uid(programme.event)

    cancelled = vevents[f"{programme.course.guid}@rostrum"]
    assert (str(cancelled["STATUS"]), str(cancelled["SUMMARY"])) == (
        "CANCELLED",
        "Cancelled: RC 1203 Paediatric ultrasound",
    )
    assert str(vevents[f"{programme.workshop.guid}@rostrum"]["STATUS"]) == "CONFIRMED"


def test_ics_location_url_and_category(db, settings):
    settings.ROSTRUM_BASE_URL = "https://congress.example.org/"
    programme = summer_programme()

    vevent = vevents_by_uid(programme.event)[f"{programme.course.guid}@rostrum"]

    assert str(vevent["LOCATION"]) == "Room A, Austria Center Vienna"
    assert (
        str(vevent["URL"]) == f"https://congress.example.org/events/{programme.event.slug}/sessions/rc-1203/"
    )
    assert vevent.categories == ["Refresher Course"]


def test_ics_reads_back_as_calendar_occurrences(db):
    programme = summer_programme()

    calendar = parse(export_ics(programme.event))
    on_the_4th = recurring_ical_events.of(calendar).at((2030, 6, 4))

    assert [(str(v["SUMMARY"]), v.start.astimezone(dt.UTC)) for v in on_the_4th] == [
        ("HW 1 Hands-on ultrasound workshop", utc(4, 8))
    ]


def test_ics_is_the_same_bytes_for_the_same_programme(db):
    programme = summer_programme()

    assert export_ics(programme.event) == export_ics(Event.objects.get(pk=programme.event.pk))


def test_ics_through_the_registry_leaves_out_other_events(db):
    programme = summer_programme()
    other = SessionFactory(title="Another congress's session")

    data = programme_export(programme.event, format="ics")

    assert f"{other.guid}".encode() not in data
    assert len(parse(data).walk("VEVENT")) == 2


def test_ics_costs_the_same_queries_whatever_the_number_of_sessions(db, django_assert_num_queries):
    programme = summer_programme()
    with CaptureQueriesContext(connection) as small:
        export_ics(programme.event)
    for hour in range(8, 18):
        SessionFactory(event=programme.event, starts_at=utc(5, hour), ends_at=utc(5, hour, 45))

    with django_assert_num_queries(len(small.captured_queries)):
        export_ics(programme.event)


def test_render_ics_of_sessions_from_events_in_two_zones(db):
    vienna_session = summer_programme().course
    chicago = EventFactory(timezone="America/Chicago")
    chicago_session = SessionFactory(event=chicago, starts_at=utc(10, 14), ends_at=utc(10, 15))
    sessions = selectors.session_list(event=None, with_presentations=True).filter(
        pk__in=[vienna_session.pk, chicago_session.pk]
    )

    calendar = parse(render_ics(calendar_name="My congresses", sessions=sessions))

    assert str(calendar["X-WR-CALNAME"]) == "My congresses"
    assert {tz.tz_name for tz in calendar.timezones} == {"Europe/Vienna", "America/Chicago"}
    assert [v["DTSTART"].params["TZID"] for v in calendar.walk("VEVENT")] == [
        "Europe/Vienna",
        "America/Chicago",
    ]
    assert calendar.walk("VEVENT")[1].start.hour == 9  # 14:00 UTC is 09:00 CDT


def test_render_ics_of_a_starred_presentation_follows_its_session(db):
    programme = summer_programme()
    presentations = selectors.presentation_list(event=programme.event).filter(pk=programme.talk.pk)
    before = parse(render_ics(calendar_name="My agenda", presentations=presentations)).walk("VEVENT")[0]

    services.session_cancel(fresh(programme.course))
    after = parse(render_ics(calendar_name="My agenda", presentations=presentations.all())).walk("VEVENT")[0]

    assert str(before["UID"]) == str(after["UID"]) == f"{programme.talk.guid}@rostrum"
    assert str(before["SUMMARY"]) == "Hip sonography (RC 1203)"
    assert "M. Radzina (Riga/LV); K. Nowak (Kraków/PL)" in str(before["DESCRIPTION"])
    assert (before["SEQUENCE"], str(before["STATUS"])) == (0, "CONFIRMED")
    # The session's revision and the talk's own both went up.
    assert (after["SEQUENCE"], str(after["STATUS"])) == (2, "CANCELLED")


def test_render_ics_of_nothing_is_an_empty_calendar(db):
    calendar = parse(render_ics(calendar_name="Empty agenda"))

    assert (calendar.walk("VEVENT"), calendar.timezones) == ([], [])
