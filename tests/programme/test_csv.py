import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rostrum.programme import services
from rostrum.programme.exporters import programme_export
from rostrum.programme.exporters.csv import COLUMNS, export_csv
from rostrum.programme.models import Session
from tests.factories.programme import PresentationFactory, SessionFactory
from tests.programme.export_programme import summer_programme, utc


def read(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_a_row_per_presentation_and_per_session_without_any(db):
    programme = summer_programme()

    rows = read(export_csv(programme.event))

    assert [(row["session code"], row["presentation code"], row["title"]) for row in rows] == [
        ("RC 1203", "RC 1203-1", "Hip sonography"),
        ("RC 1203", "RC 1203-2", "Questions and answers"),
        ("HW 1", "", ""),
    ]


def test_csv_row_of_a_talk_has_its_session_columns_and_local_times(db, settings):
    settings.ROSTRUM_BASE_URL = "https://congress.example.org"
    programme = summer_programme()

    first = read(export_csv(programme.event))[0]

    assert first == {
        "event": programme.event.title,
        "session code": "RC 1203",
        "session title": "Paediatric ultrasound",
        "session type": "Refresher Course",
        "room": "Room A",
        "location": "Room A, Austria Center Vienna",
        "date": "2030-06-03",
        "start": "17:00",
        "end": "17:20",
        "timezone": "Europe/Vienna",
        "format": "On-site",
        "status": "Scheduled",
        "session people": "A. Álvarez (Madrid/ES), Moderator",
        "presentation code": "RC 1203-1",
        "kind": "Talk",
        "title": "Hip sonography",
        "speakers": "M. Radzina (Riga/LV); K. Nowak (Kraków/PL)",
        "url": f"https://congress.example.org/events/{programme.event.slug}/sessions/rc-1203/",
    }


def test_csv_row_of_a_session_without_presentations_has_the_session_times(db):
    programme = summer_programme()

    workshop = read(export_csv(programme.event))[-1]

    assert (workshop["date"], workshop["start"], workshop["end"], workshop["kind"]) == (
        "2030-06-04",
        "10:00",
        "11:30",
        "",
    )


def test_csv_is_utf8_with_bom_header_and_crlf_for_excel(db):
    programme = summer_programme()

    data = export_csv(programme.event)

    assert data.startswith(b"\xef\xbb\xbfevent,session code,")
    assert data.count(b"\r\n") == 4
    assert "Kraków".encode() in data
    assert next(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == COLUMNS


def test_csv_marks_talks_of_a_cancelled_session_cancelled(db):
    programme = summer_programme()

    services.session_cancel(Session.objects.get(pk=programme.course.pk), reason="speaker ill")

    statuses = [(row["session code"], row["status"]) for row in read(export_csv(programme.event))]
    assert statuses == [("RC 1203", "Cancelled"), ("RC 1203", "Cancelled"), ("HW 1", "Scheduled")]


def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas(db):
    programme = summer_programme()
    PresentationFactory(
        session=programme.workshop, title='=HYPERLINK("http://evil.example")', starts_at=utc(4, 8)
    )

    rows = read(export_csv(programme.event))

    assert rows[-1]["title"] == '\'=HYPERLINK("http://evil.example")'


def test_csv_through_the_registry_leaves_out_other_events(db):
    programme = summer_programme()
    SessionFactory(code="XX 1", title="Another congress's session")

    rows = read(programme_export(programme.event, format="csv"))

    assert {row["event"] for row in rows} == {programme.event.title}
    assert "XX 1" not in {row["session code"] for row in rows}


def test_csv_costs_the_same_queries_whatever_the_number_of_sessions(db, django_assert_num_queries):
    programme = summer_programme()
    with CaptureQueriesContext(connection) as small:
        export_csv(programme.event)
    for hour in range(8, 18):
        PresentationFactory(session=SessionFactory(event=programme.event, starts_at=utc(5, hour)))

    with django_assert_num_queries(len(small.captured_queries)):
        export_csv(programme.event)
