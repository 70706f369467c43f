import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rostrum.programme.enums import EventKind, PresentationKind
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.importers import programme_import
from rostrum.programme.importers.agenda_lines import ITEM_LINE, item_kind, match_speakers, parse_time
from rostrum.programme.importers.agenda_parse import parse_agenda
from rostrum.programme.importers.agenda_text import import_agenda_text
from rostrum.programme.models import Event, Person, Presentation, Session
from tests.factories.programme import EventFactory, PresentationFactory, SessionFactory

SHARED = Path("/work/shared")
SEED_004 = next(iter(sorted((SHARED / "seeds").glob("004_*.txt"))), None)
needs_seed = pytest.mark.skipif(SEED_004 is None, reason="seed 004 is not on this machine")
VIENNA = zoneinfo.ZoneInfo("Europe/Vienna")

AGENDA = """\
Imaging course

Introduction to the course with a sentence of prose.

Breast Imaging Basics
March 5, 2024 | 09:00 – 12:00 CET

About the course

First paragraph of the description
continues here.

Second paragraph.

Learning objectives
• to read a mammogram;
- to know the BI-RADS
  categories by heart.

09:00 – 09:40 Screening today
Anna Müller, Zürich/CH; B. Tan, Singapore/SG
09:40 - 10:10 Lunch
10:10 — 10:50 Panel discussion
Some stray fragment
10:50 – 11:30 Image interpretation quiz
11:30 – 12:00 Q&A
"""  # noqa: RUF001 - pasted agendas print en dashes; the test must too


def expected_items() -> list:
    return json.loads((SHARED / "checks" / "seed-004.expected.json").read_text())["seed-004"]["items"]


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@needs_seed
def test_parse_agenda_seed_004_matches_the_expected_items():
    agenda = parse_agenda(SEED_004.read_text(encoding="utf-8"), default_timezone=VIENNA)

    got = [
        [utc(i.starts_at), utc(i.ends_at), i.kind, i.title, [[s.name, s.city, s.country] for s in i.speakers]]
        for i in agenda.items
    ]
    assert got == expected_items()
    assert [s.title for s in agenda.sessions] == [
        "Patient Communication Course - Part 1",
        "Patient Communication Course - Part 2",
    ]
    assert agenda.unparsed == []


@needs_seed
def test_parse_agenda_seed_004_description_and_objectives_belong_to_their_session():
    part_1, part_2 = parse_agenda(SEED_004.read_text(encoding="utf-8"), default_timezone=VIENNA).sessions

    assert part_1.description.startswith("This course addresses critical educational needs")
    assert part_2.description.startswith("This course focuses on improving communication skills")
    assert len(part_1.learning_objectives) == 4
    assert part_1.learning_objectives[0].startswith("to demonstrate effective patient interaction")
    assert part_2.learning_objectives[-1].startswith("to develop strategies for transparent")
    assert (part_1.zone, part_1.code) == ("CET", "patient-communication-course-part-1")


def test_parse_agenda_reads_description_objectives_kinds_and_speakers():
    (session,) = parse_agenda(AGENDA, default_timezone=VIENNA).sessions

    assert session.title == "Breast Imaging Basics"
    assert session.description == "First paragraph of the description continues here.\n\nSecond paragraph."
    assert session.learning_objectives == ["to read a mammogram;", "to know the BI-RADS categories by heart."]
    assert [(i.title, i.kind) for i in session.items] == [
        ("Screening today", PresentationKind.TALK),
        ("Lunch", PresentationKind.BREAK),
        ("Panel discussion", PresentationKind.DISCUSSION),
        ("Image interpretation quiz", PresentationKind.QUIZ),
        ("Q&A", PresentationKind.QA),
    ]
    assert [(s.name, s.city, s.country) for s in session.items[0].speakers] == [
        ("Anna Müller", "Zürich", "CH"),
        ("B. Tan", "Singapore", "SG"),
    ]


def test_parse_agenda_lists_lines_not_understood_with_their_numbers():
    agenda = parse_agenda(AGENDA, default_timezone=VIENNA)

    assert [(line.number, line.text) for line in agenda.unparsed] == [(24, "Some stray fragment")]
    assert agenda.warnings() == ["Line 24: not understood, left out: Some stray fragment"]


def test_parse_agenda_reports_an_unknown_country_but_keeps_the_speaker():
    text = "Course\nMay 2, 2024 | 10:00 - 11:00 CEST\n10:00 - 11:00 Talk\nA. Bee, Atlantis/XQ\n"
    agenda = parse_agenda(text, default_timezone=VIENNA)

    assert [(s.name, s.city, s.country) for s in agenda.items[0].speakers] == [("A. Bee", "Atlantis", "")]
    assert agenda.warnings() == [
        "Line 4: country 'XQ' not recognised, A. Bee kept without one: A. Bee, Atlantis/XQ"
    ]


@pytest.mark.parametrize(
    ("zone_text", "default", "utc_start"),
    [
        ("CET", "Europe/Vienna", "2024-06-03T08:00:00Z"),  # the text says CET, even in summer
        ("CEST", "Europe/Vienna", "2024-06-03T07:00:00Z"),
        ("BST", "Europe/Vienna", "2024-06-03T08:00:00Z"),
        ("EDT", "Europe/Vienna", "2024-06-03T13:00:00Z"),
        ("UTC+3", "Europe/Vienna", "2024-06-03T06:00:00Z"),
        ("(Europe/London)", "Europe/Vienna", "2024-06-03T08:00:00Z"),
        ("", "Europe/Vienna", "2024-06-03T07:00:00Z"),  # no zone: the event's, with its summer time
        ("", "America/New_York", "2024-06-03T13:00:00Z"),
    ],
)
def test_parse_agenda_reads_times_in_the_date_lines_zone(zone_text, default, utc_start):
    text = f"Course\n3 June 2024, 09:00-10:00 {zone_text}\n09.00 - 10.00 Talk\n"
    agenda = parse_agenda(text, default_timezone=zoneinfo.ZoneInfo(default))

    assert utc(agenda.items[0].starts_at) == utc_start
    assert utc(agenda.sessions[0].starts_at) == utc_start


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Course\n10:00 - 11:00 Talk\n", "No date line found"),
        ("Course\nMay 2, 2024 | 12:00 - 11:00 CET\n", "Line 2: the session ends at 11:00, before it starts."),
        ("Course\nMay 2, 2024 | 10:00 - 11:00 CET\n10:30 - 10:10 Talk\n", "Line 3: the item ends at 10:10"),
        ("Course\nMay 2, 2024 | 10:00 - 11:00 XYZ\n", "Line 2: unknown time zone 'XYZ'"),
        ("Course\nMay 2, 2024\n", "Line 2: the date line has no times and no items follow it."),
    ],
)
def test_parse_agenda_errors_name_the_line(text, message):
    with pytest.raises(ProgrammeError) as error:
        parse_agenda(text, default_timezone=VIENNA)

    assert message in error.value.message


def test_parse_agenda_item_without_end_time_ends_when_the_next_one_starts():
    text = "Course\nMay 2, 2024 | 10:00 - 11:00 CET\n10:00 Welcome\n10:15 Talk\n"
    first, second = parse_agenda(text, default_timezone=VIENNA).items

    assert (utc(first.ends_at), utc(second.ends_at)) == ("2024-05-02T09:15:00Z", "2024-05-02T10:00:00Z")


def test_parse_agenda_session_without_a_heading_is_named_by_its_date():
    text = "May 2, 2024 | 10:00 - 11:00 CET\n10:00 - 11:00 Talk\nMay 3, 2024 | 10:00 - 11:00 CET\n"
    text += "10:00 - 11:00 Other talk\n"

    assert [s.title for s in parse_agenda(text, default_timezone=VIENNA).sessions] == [
        "Session on 02 May 2024",
        "Session on 03 May 2024",
    ]


@pytest.mark.parametrize(
    ("line", "speakers"),
    [
        ("M. Radzina, Riga/LV", [("M. Radzina", "Riga", "LV")]),
        ("G. Paulo, Coimbra/PT & D. Akata, Ankara/TR",
         [("G. Paulo", "Coimbra", "PT"), ("D. Akata", "Ankara", "TR")]),
        ("Jean-Luc O'Neil, St. Gallen/Switzerland", [("Jean-Luc O'Neil", "St. Gallen", "CH")]),
        ("A. Brady, Cork/IE, T. Cook, Philadelphia/USA",
         [("A. Brady", "Cork", "IE"), ("T. Cook", "Philadelphia", "US")]),
        ("Watch this course on ESR Connect!", None),
    ],
)  # fmt: skip
def test_match_speakers_reads_printed_speakers(line, speakers):
    found = match_speakers(line)

    assert (found if found is None else [(s.name, s.city, s.country) for s in found]) == speakers


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Q&A Session", "qa"),
        ("Coffee break", "break"),
        ("Radiation Risk Discussion", "talk"),
        ("Discussion", "discussion"),
        ("Quiz", "quiz"),
    ],
)
def test_item_kind_follows_the_title(title, kind):
    assert item_kind(title) == kind


@given(
    start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    minutes=st.integers(min_value=1, max_value=180),
    dash=st.sampled_from(["-", "\u2013", "\u2014", " - ", " \u2013 ", "\u2013 ", " to "]),
    separator=st.sampled_from([":", ".", "h"]),
    after=st.sampled_from([" ", " | ", ": ", " - "]),
    title=st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=30),
)
def test_item_line_reads_any_dash_and_separator(start, minutes, dash, separator, after, title):  # noqa: PLR0917 - hypothesis passes each drawn value by name
    end = (dt.datetime.combine(dt.date(2024, 1, 1), start) + dt.timedelta(minutes=minutes)).time()
    line = f"{start:%H}{separator}{start:%M}{dash}{end:%H}{separator}{end:%M}{after}{title}"

    match = ITEM_LINE.match(line)

    assert (parse_time(match["start"]), parse_time(match["end"]), match["title"]) == (start, end, title)


@needs_seed
@pytest.mark.django_db
def test_import_agenda_text_seed_004_creates_the_course(staff_user):
    report = import_agenda_text(
        SEED_004.read_bytes(),
        event_slug="pcc2024",
        by=staff_user,
        title="ESOR Patient Communication Course 2024",
    )

    event = Event.objects.get(slug="pcc2024")
    assert (event.kind, event.is_online, event.title, event.timezone) == (
        EventKind.COURSE, True, "ESOR Patient Communication Course 2024", "Europe/Vienna"
    )  # fmt: skip
    assert (event.start_date, event.end_date) == (dt.date(2024, 2, 22), dt.date(2024, 3, 21))
    assert report.created == {"events": 1, "sessions": 2, "presentations": 18, "people": 14}
    got = [
        [utc(p.starts_at), utc(p.ends_at), p.kind, p.title,
         [[s.printed_name, s.city, s.country.code]
          for s in p.speakers.order_by("presentation_roles__position")]]
        for p in Presentation.objects.filter(event=event).order_by("starts_at")
    ]  # fmt: skip
    assert got == expected_items()
    session = Session.objects.get(event=event, code="patient-communication-course-part-1")
    assert len(session.learning_objectives) == 4
    assert session.description.startswith("This course addresses")


@needs_seed
@pytest.mark.django_db
def test_import_agenda_text_twice_changes_nothing():
    import_agenda_text(SEED_004.read_bytes(), event_slug="pcc2024")
    version = Event.objects.get(slug="pcc2024").programme_version

    report = import_agenda_text(SEED_004.read_bytes(), event_slug="pcc2024")

    assert (report.created, report.updated) == ({}, {})
    assert (Session.objects.count(), Presentation.objects.count(), Person.objects.count()) == (2, 18, 14)
    assert Event.objects.get(slug="pcc2024").programme_version == version


@pytest.mark.django_db
def test_import_agenda_text_updates_items_in_place():
    import_agenda_text(AGENDA.encode(), event_slug="breast")
    talk = Presentation.objects.get(code="breast-imaging-basics-1")

    changed = AGENDA.replace("09:00 \u2013 09:40 Screening today", "09:05 - 09:40 Screening now")
    report = import_agenda_text(
        changed.replace("B. Tan, Singapore/SG", "C. Lee, Seoul/KR").encode(), event_slug="breast"
    )

    talk.refresh_from_db()
    assert (talk.title, utc(talk.starts_at), talk.revision) == ("Screening now", "2024-03-05T08:05:00Z", 1)
    assert [p.printed_name for p in talk.speakers.order_by("presentation_roles__position")] == [
        "Anna Müller", "C. Lee"
    ]  # fmt: skip
    assert report.updated == {"presentations": 1}
    assert report.created == {"people": 1}
    assert Presentation.objects.filter(event__slug="breast").count() == 5


@pytest.mark.django_db
def test_import_agenda_text_keeps_and_reports_items_no_longer_printed():
    import_agenda_text(AGENDA.encode(), event_slug="breast")

    report = import_agenda_text(AGENDA.replace("11:30 \u2013 12:00 Q&A\n", "").encode(), event_slug="breast")

    assert Presentation.objects.filter(event__slug="breast").count() == 5
    assert report.warnings[-1].startswith("'Q&A' (breast-imaging-basics-5) of 'Breast Imaging Basics' is not")


@pytest.mark.django_db
def test_import_agenda_text_into_an_existing_event_uses_its_zone_and_leaves_other_events_alone():
    event = EventFactory(slug="summer", timezone="America/New_York", start_date=dt.date(2024, 3, 5))
    other = SessionFactory(code="breast-imaging-basics", slug="breast-imaging-basics")
    PresentationFactory(session=other, code="breast-imaging-basics-1", title="Other congress talk")

    text = AGENDA.replace(" CET", "")
    programme_import(text.encode(), format="text", event_slug="summer")

    talk = Presentation.objects.get(event=event, code="breast-imaging-basics-1")
    assert utc(talk.starts_at) == "2024-03-05T14:00:00Z"
    assert (
        Presentation.objects.get(event=other.event, code="breast-imaging-basics-1").title
        == "Other congress talk"
    )
    assert Session.objects.filter(event=other.event).count() == 1


@pytest.mark.django_db
def test_import_agenda_text_error_saves_nothing():
    with pytest.raises(ProgrammeError, match="Line 2: unknown time zone"):
        import_agenda_text(b"Course\nMay 2, 2024 | 10:00 - 11:00 XYZ\n", event_slug="new-course")

    assert not Event.objects.filter(slug="new-course").exists()


@pytest.mark.django_db
def test_import_agenda_text_rejects_an_unknown_time_zone_option():
    with pytest.raises(ProgrammeError, match="'Mars/Base' is not an IANA time zone"):
        import_agenda_text(AGENDA.encode(), event_slug="new-course", timezone="Mars/Base")


@pytest.mark.parametrize(
    "line",
    [
        "February 22, 2024 | 12:30 - 18:00 CET",
        "Thursday, 22 Feb 2024, 12.30 to 18.00 CET",
        "2024-02-22 12h30-18h00 (CET)",
        "22.02.2024: 12:30 pm - 6:00 pm UTC+1",
    ],
)
def test_parse_agenda_reads_date_line_forms(line):
    (session,) = parse_agenda(f"Course\n{line}\n", default_timezone=VIENNA).sessions

    assert (utc(session.starts_at), utc(session.ends_at)) == ("2024-02-22T11:30:00Z", "2024-02-22T17:00:00Z")


@pytest.mark.django_db
def test_import_agenda_text_reads_moderators_and_chairs_once():
    text = AGENDA.replace(
        "About the course\n", "Moderator: A. Rockall, London/UK\nChair: D. Akata, Ankara/TR\n"
    )
    (session,) = parse_agenda(text, default_timezone=VIENNA).sessions
    assert [(role, person.name) for role, person in session.roles] == [
        ("moderator", "A. Rockall"),
        ("chair", "D. Akata"),
    ]

    first = import_agenda_text(text.encode(), event_slug="breast")
    again = import_agenda_text(text.encode(), event_slug="breast")

    saved = Session.objects.get(event__slug="breast")
    assert [(r.role, r.person.printed_name, r.person.country.code) for r in saved.roles.all()] == [
        ("moderator", "A. Rockall", "GB"),
        ("chair", "D. Akata", "TR"),
    ]
    assert (first.created["moderators"], first.created["chairs"], again.created) == (1, 1, {})
