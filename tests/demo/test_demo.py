import datetime as dt
import itertools
import os
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.tasks import task_backends
from django.utils import timezone

from rostrum.accounts.models import User
from rostrum.demo.loader import demo_load
from rostrum.demo.management.commands.demo import run_tasks_inline
from rostrum.demo.users import DEMO_USERS, demo_users_load
from rostrum.memberships.models import Membership
from rostrum.programme.catalogue import session_types_load
from rostrum.programme.models import (
    Audience,
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

HIGHLIGHT_WEEK = "ecr-2020-highlight-week-children-in-focus"
COURSE = "esor-patient-communication-course-2024"
CONGRESS = "ecr-2020"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def unshifted_demo(db):
    session_types_load()
    return {event.slug: event for event in demo_load()}


def agenda(session: Session) -> list[tuple]:
    """Each item as (start and end as UTC "HH:MM", kind, title, speakers printed as "M. Radzina, Riga/LV")."""
    return [
        (
            f"{item.starts_at.astimezone(dt.UTC):%H:%M}",
            f"{item.ends_at.astimezone(dt.UTC):%H:%M}",
            item.kind,
            item.title,
            [
                f"{p.printed_name}, {p.affiliation}"
                for p in item.speakers.order_by("presentation_roles__position")
            ],
        )
        for item in session.presentations.order_by("starts_at", "position")
    ]


def test_demo_course_has_the_seed_004_agenda_in_utc(unshifted_demo):
    course = unshifted_demo[COURSE]
    part_1, part_2 = course.sessions.order_by("starts_at")

    assert (course.kind, course.is_online, course.timezone) == ("course", True, "Europe/Vienna")
    assert "Applications have been made to the European Accreditation Council" in course.description
    assert "CME Accreditation for live streaming only" in course.description
    assert (part_1.title, part_1.format) == ("Patient Communication Course - Part 1", "live")
    assert (part_1.starts_at, part_1.ends_at) == (utc(2024, 2, 22, 11, 30), utc(2024, 2, 22, 17))
    assert part_1.learning_objectives[0].startswith("to demonstrate effective patient interaction during")
    assert part_1.learning_objectives[0].endswith("to enhance understanding and comfort;")
    assert len(part_1.learning_objectives) == 4
    assert part_1.description.startswith("This course addresses critical educational needs")
    assert agenda(part_1) == [
        ("11:30", "12:10", "talk", "Interacting with patients during ultrasound", ["M. Radzina, Riga/LV"]),
        ("12:10", "12:50", "talk", "Breaking bad news", ["R. Sinnatamby, Cambridge/GB"]),
        (
            "12:50",
            "13:30",
            "talk",
            "Radiation Risk Discussion",
            ["G. Paulo, Coimbra/PT", "D. Akata, Ankara/TR"],
        ),
        ("13:30", "14:00", "qa", "Q&A Session", []),
        ("14:00", "14:30", "break", "Break", []),
        ("14:30", "15:10", "talk", "Patient communication in the IR", ["R. Schernthaner, Vienna/AT"]),
        ("15:10", "15:50", "talk", "Paediatric Patient perspective", ["O. Kvist, Stockholm/SE"]),
        (
            "15:50",
            "16:30",
            "talk",
            "Conversation on communication",
            ["A. Rockall, London/GB", "Herbert Kressel, Boston/US"],
        ),
        ("16:30", "17:00", "qa", "Q&A Session", []),
    ]
    assert [(row[3], row[4]) for row in agenda(part_2)] == [
        ("Radiology reports: the essence of the radiologist’s role as communicator", ["A. Brady, Cork/IE"]),  # noqa: RUF001 - the seed's apostrophe
        ("Electronic Portals", ["T. Cook, Philadelphia/US"]),
        ("Patient’s perspective", ["E. Briers, Brussels/BE"]),  # noqa: RUF001 - the seed's apostrophe
        ("Q&A Session", []),
        ("Break", []),
        ("Dialogues with Referrer: efficiency and collaboration in emergency and MDT", ["E. Neri, Pisa/IT"]),
        ("Facing challenges: do’s and don’ts", ["A. England, Cork/GB"]),  # noqa: RUF001 - the seed's apostrophes
        ("Patient communication when things go wrong", ["Mathias Prokop, Groeningen/NL"]),
        ("Q&A Session", []),
    ]
    assert part_2.starts_at == utc(2024, 3, 21, 11, 30)
    assert part_2.learning_objectives[0].startswith("To develop skills in effectively conveying")


def test_demo_highlight_week_has_the_seed_000_sessions(unshifted_demo):
    week = unshifted_demo[HIGHLIGHT_WEEK]
    live = week.sessions.get(format="live")

    assert (week.kind, week.is_online, week.start_date, week.end_date) == (
        "highlight_week",
        True,
        dt.date(2020, 10, 20),
        dt.date(2020, 10, 21),
    )
    assert week.on_demand_until == utc(2020, 12, 31, 22, 59)  # 23:59 in Vienna (CET)
    assert list(week.supporting_societies.values_list("acronym", flat=True)) == ["ESPR"]
    assert (live.title, live.starts_at, live.session_type.code) == (
        "Medicolegal Dilemmas in Paediatric Radiology",
        utc(2020, 10, 21, 15),  # 17:00 CEST
        "HLL",
    )
    assert [item.kind for item in live.presentations.order_by("starts_at")] == ["talk"] * 4 + ["discussion"]
    assert "illustrative" in live.description
    assert sorted(week.sessions.filter(format="pre_recorded").values_list("title", flat=True)) == [
        "Against all odds: bringing health care to children in low-resource areas",
        "The child as an individual: whose life is it anyway?",
        "The patient journey: from foetus to adulthood",
    ]
    coordinators = SessionPerson.objects.filter(session=live, role="coordinator")
    assert [(c.person.printed_name, c.person.city, c.person.country.code) for c in coordinators] == [
        ("Lil-Sofie Ording Müller", "Oslo", "NO"),
        ("Catherine Owens", "London", "GB"),
    ]


def test_demo_congress_spreads_the_seed_002_programme_without_double_bookings(unshifted_demo):
    congress = unshifted_demo[CONGRESS]
    sessions = list(congress.sessions.select_related("room", "session_type"))

    assert (congress.kind, congress.venue, (congress.end_date - congress.start_date).days) == (
        "congress",
        "Austria Center Vienna",
        4,
    )
    assert congress.rooms.count() == 8
    assert len(sessions) == 75
    assert {s.starts_at.astimezone(congress.tz).date() for s in sessions} == {
        congress.start_date + dt.timedelta(days=n) for n in range(5)
    }
    for room in congress.rooms.all():
        booked = sorted((s.starts_at, s.ends_at) for s in sessions if s.room == room)
        assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(booked)), room
    titles = {s.title for s in sessions}
    assert {
        "Quality and safety in paediatric imaging",
        "The old spine: challenges of imaging and treatment",
    } <= titles
    assert {s.session_type.code for s in sessions if "Refresher" in s.description} == {"RC"}
    refresher = next(s for s in sessions if s.title == "MR imaging of the knee")
    assert (refresher.duration_minutes, refresher.presentations.filter(kind="talk").count()) == (90, 3)
    workshop = next(s for s in sessions if s.title == "Hands-on Workshop: Musculoskeletal Ultrasound")
    assert workshop.sponsor_acknowledgement.startswith("The workshop sessions are supported by GE Healthcare")
    efomp = next(s for s in sessions if s.session_type.code == "EFOMP")
    assert list(efomp.supporting_organisations.values_list("acronym", flat=True)) == ["EFOMP"]
    assert "Radiographers" in {a.name for s in sessions for a in s.audiences.all()}


def test_demo_people_belong_to_their_own_event_only(unshifted_demo):
    # "G. Paulo" speaks in the course and "Graciano Paulo" moderates at the congress: never mixed up.
    speakers = PresentationSpeaker.objects.select_related("person", "presentation")
    roles = SessionPerson.objects.select_related("person", "session")
    assert [r for r in speakers if r.person.event_id != r.presentation.event_id] == []
    assert [r for r in roles if r.person.event_id != r.session.event_id] == []
    assert speakers.filter(presentation__event=unshifted_demo[COURSE]).count() == 14
    course_people = set(
        Person.objects.filter(event=unshifted_demo[COURSE]).values_list("printed_name", flat=True)
    )
    assert "Graciano Paulo" not in course_people
    assert "Catherine Owens" not in course_people


def test_demo_stage_live_has_the_medicolegal_session_live_now(db):
    before = timezone.now()
    out = run_demo("--stage", "live")
    now = timezone.now()

    live = Session.objects.get(event__slug=HIGHLIGHT_WEEK, code="HLL 1")
    assert live.starts_at <= now < live.ends_at
    ten_minutes = dt.timedelta(minutes=10)
    assert before.replace(second=0, microsecond=0) - ten_minutes <= live.starts_at <= now - ten_minutes
    assert (live.starts_at.second, live.starts_at.microsecond) == (0, 0)
    assert "LIVE NOW: Medicolegal Dilemmas in Paediatric Radiology" in out
    for event in Event.objects.all():
        local_days = {s.starts_at.astimezone(event.tz).date() for s in event.sessions.all()}
        assert event.start_date <= min(local_days) and max(local_days) <= event.end_date
    week = Event.objects.get(slug=HIGHLIGHT_WEEK)
    assert week.on_demand_until > live.ends_at + dt.timedelta(days=30)


def test_demo_stage_live_has_the_congress_on_today_and_the_course_next_week(db):
    run_demo("--stage", "live")

    congress, course = Event.objects.get(slug=CONGRESS), Event.objects.get(slug=COURSE)
    today = timezone.localdate(timezone=congress.tz)
    assert congress.start_date < today < congress.end_date
    assert course.start_date == today + dt.timedelta(days=7)
    first = course.sessions.order_by("starts_at").first()
    # Whole days: the course keeps its printed clock time, 12:30 in Vienna.
    assert first.starts_at.astimezone(course.tz).time() == dt.time(12, 30)


def test_demo_stage_live_keeps_the_course_agenda_intact(db):
    run_demo("--stage", "live")

    part_1 = Session.objects.get(event__slug=COURSE, code="OC 1")
    durations = [(p.title, p.duration_minutes) for p in part_1.presentations.order_by("starts_at")]
    assert durations[:4] == [
        ("Interacting with patients during ultrasound", 40),
        ("Breaking bad news", 40),
        ("Radiation Risk Discussion", 40),
        ("Q&A Session", 30),
    ]
    assert part_1.presentations.order_by("starts_at").first().starts_at == part_1.starts_at


@pytest.mark.parametrize("stage", ["before", "after"])
def test_demo_stage_moves_the_whole_programme(db, stage):
    run_demo("--stage", stage)

    now = timezone.now()
    sessions = Session.objects.all()
    assert sessions.count() == 81
    if stage == "before":
        assert all(s.starts_at > now for s in sessions)
        assert min(s.starts_at for s in sessions) - now < dt.timedelta(days=8)
    else:
        assert all(s.ends_at < now for s in sessions)
        assert now - max(s.ends_at for s in sessions) < dt.timedelta(days=8)
    live = Session.objects.get(event__slug=HIGHLIGHT_WEEK, code="HLL 1")
    # Whole days: the live session keeps its printed local time, 17:00 in Vienna.
    assert live.starts_at.astimezone(live.event.tz).time() == dt.time(17)


def test_demo_twice_duplicates_nothing(db):
    models = [Event, Room, Session, Presentation, Person, SessionType, Organisation, Topic, Audience, User]
    run_demo()
    counts = {model.__name__: model.objects.count() for model in models}

    run_demo("--stage", "before")

    assert {model.__name__: model.objects.count() for model in models} == counts
    assert counts["Event"] == 3
    assert EmailAddress.objects.count() == 3


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda demo: demo.email)
def test_demo_users_sign_in_straight_away(client, db, demo):
    demo_users_load()

    response = client.post("/accounts/login/", {"login": demo.email, "password": demo.password})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=demo.email).pk


def test_demo_users_only_staff_is_a_superuser(db):
    demo_users_load()

    assert list(User.objects.filter(is_superuser=True, is_staff=True).values_list("email", flat=True)) == [
        "staff@example.org"
    ]


def test_demo_runs_background_work_inline_unless_told_otherwise(settings, monkeypatch):
    # setenv then delenv: the variable is unset during the test and removed again afterwards.
    monkeypatch.setenv("ROSTRUM_TASKS", "database")
    monkeypatch.delenv("ROSTRUM_TASKS")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    run_tasks_inline()

    assert type(task_backends["default"]).__name__ == "ImmediateBackend"
    assert os.environ["ROSTRUM_TASKS"] == "immediate"


def test_demo_keeps_the_task_backend_chosen_in_the_environment(settings, monkeypatch):
    monkeypatch.setenv("ROSTRUM_TASKS", "database")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    run_tasks_inline()

    assert type(task_backends["default"]).__name__ == "DatabaseBackend"


def test_demo_member_holds_an_active_full_membership_and_the_visitor_none(db):
    demo_users_load()

    member = User.objects.get(email="member@example.org")
    visitor = User.objects.get(email="visitor@example.org")
    assert [m.membership_type.code for m in Membership.objects.filter(user=member, status="active")] == [
        "full-allied"
    ]
    assert not Membership.objects.filter(user=visitor).exists()
