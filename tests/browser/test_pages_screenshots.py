"""The public pages in headless Chromium at desktop and phone widths: no console errors, no CSP violations.

Screenshots land in var/screenshots/ (gitignored) for a person to look at.
"""

import datetime as dt
from pathlib import Path

import pytest

from rostrum.programme.enums import Level, ProgrammeStatus, SessionFormat
from tests.factories.programme import (
    AudienceFactory,
    EventFactory,
    OrganisationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionTypeFactory,
    TopicFactory,
    add_moderator_and_talks,
    vienna,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Speakers as seed 004 prints them.
SPEAKERS = [
    ("M. Radzina", "Radzina", "Riga", "LV"),
    ("R. Sinnatamby", "Sinnatamby", "Cambridge", "GB"),
    ("G. Paulo", "Paulo", "Coimbra", "PT"),
    ("D. Akata", "Akata", "Ankara", "TR"),
    ("R. Schernthaner", "Schernthaner", "Vienna", "AT"),
    ("O. Kvist", "Kvist", "Stockholm", "SE"),
    ("A. Rockall", "Rockall", "London", "GB"),
    ("H. Kressel", "Kressel", "Boston", "US"),
]
SESSIONS = [
    ("RC 101", "Refresher Course", "Imaging of the acute abdomen: what the resident must know", 0, 8, 30, 90),
    ("NH 102", "New Horizons", "Photon-counting CT: from physics to the clinic", 1, 8, 30, 60),
    ("SA 103", "State of the Art", "Breast cancer screening in dense breasts", 2, 9, 0, 60),
    ("HW 104", "Hands-on Workshop", "Ultrasound-guided biopsy", 3, 8, 0, 120),
    ("RC 105", "Refresher Course", "Paediatric chest radiography in low-resource settings", 0, 10, 30, 90),
    ("MS 106", "Multidisciplinary Session", "Rectal cancer: the tumour board", 1, 10, 0, 60),
    (
        "CTiR 107",
        "Clinical Trials in Radiology",
        "AI-supported mammography reading: trial results",
        2,
        10,
        30,
        60,
    ),
    ("NH 108", "New Horizons", "Theranostics beyond prostate cancer", 1, 11, 30, 60),
]


def build_programme():
    """A congress day with four rooms and seed 004's online course."""
    congress = EventFactory(
        slug="ecr-2030",
        title="European Congress of Radiology 2030",
        acronym="ECR 2030",
        start_date=dt.date(2030, 3, 4),
        end_date=dt.date(2030, 3, 8),
        venue="Austria Center Vienna",
        organiser="European Society of Radiology",
        description="Five days of refresher courses, research, hands-on workshops and live sessions.",
    )
    congress.supporting_societies.add(
        OrganisationFactory(name="European Federation of Radiographer Societies", acronym="EFRS")
    )
    EventFactory(
        slug="esor-pcc-2030",
        title="ESOR Patient Communication Course",
        kind="course",
        start_date=dt.date(2030, 5, 22),
        end_date=dt.date(2030, 5, 22),
        venue="",
        is_online=True,
        description="Good patient communication in the radiology department is an essential element to "
        "achieving excellence in diagnosis, interventions and patient experience.",
    )
    rooms = [
        RoomFactory(event=congress, name=name, slug=name.lower().replace(" ", "-"), position=i)
        for i, name in enumerate(["Room A", "Room B", "Room C", "Studio 1"])
    ]
    people = [
        PersonFactory(
            event=congress,
            code=family.lower(),
            printed_name=printed,
            family_name=family,
            city=city,
            country=country,
            biography=f"{printed} teaches radiology in {city}.",
        )
        for printed, family, city, country in SPEAKERS
    ]
    topic, audience = (
        TopicFactory(slug="abdominal", name="Abdominal"),
        AudienceFactory(slug="residents", name="Residents"),
    )
    for n, (code, type_name, title, room, hour, minute, minutes) in enumerate(SESSIONS):
        session_type = SessionTypeFactory(code=code.split()[0], slug=code.split()[0].lower(), name=type_name)
        session = SessionFactory(
            event=congress,
            code=code,
            slug=code.lower().replace(" ", "-"),
            title=title,
            session_type=session_type,
            room=rooms[room],
            starts_at=vienna(4, hour, minute),
            ends_at=vienna(4, hour, minute) + dt.timedelta(minutes=minutes),
            format=[SessionFormat.HYBRID, SessionFormat.LIVE, SessionFormat.ON_SITE][n % 3],
            level=Level.II,
            status=ProgrammeStatus.CANCELLED if code == "MS 106" else ProgrammeStatus.SCHEDULED,
            description="This session reviews the key findings, pitfalls and reporting standards.",
            learning_objectives=[
                "to recognise the key imaging findings",
                "to choose the right examination",
                "to write a clear, actionable report",
            ],
            sponsor_acknowledgement="Ultrasound machines kindly provided by a supporting vendor."
            if code == "HW 104"
            else "",
        )
        session.topics.add(topic)
        session.audiences.add(audience)
        add_moderator_and_talks(session, people=people, offset=n)
    return congress


def visit(page, url: str, name: str) -> None:
    """Open `url`, fail on any console error or CSP violation, save a full-page screenshot per width."""
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        response = page.goto(url)
        assert response.status == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    assert problems == []


@pytest.fixture
def programme(live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return build_programme()


def test_front_page_renders_cleanly(page, live_server, programme):
    visit(page, live_server.url + "/", "front")

    assert page.locator("h1").inner_text() == "Congresses, courses and Highlight Weeks"


def test_programme_list_renders_cleanly(page, live_server, programme):
    visit(page, f"{live_server.url}/events/{programme.slug}/?day=2030-03-04", "programme-list")

    assert page.locator("article.session").count() == len(SESSIONS)


def test_programme_grid_renders_cleanly(page, live_server, programme):
    visit(page, f"{live_server.url}/events/{programme.slug}/?day=2030-03-04&view=grid", "programme-grid")

    assert page.locator("td.block").count() == len(SESSIONS)


def test_session_page_renders_cleanly(page, live_server, programme):
    visit(page, f"{live_server.url}/events/{programme.slug}/sessions/hw-104/", "session")

    assert page.locator("ol.objectives li").count() == 3


def test_filter_choice_applies_itself_with_javascript(page, live_server, programme):
    page.goto(f"{live_server.url}/events/{programme.slug}/?day=2030-03-04")
    page.get_by_text("Filter sessions").click()

    page.get_by_label("Session type").select_option("nh")

    page.wait_for_url("**session_type=nh**")
    assert page.locator("article.session").count() == 2


def test_skip_link_is_the_first_stop_and_focus_is_visible(page, live_server, programme):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")

    focused = page.evaluate(
        "() => [document.activeElement.textContent, getComputedStyle(document.activeElement).top]"
    )
    assert focused[0] == "Skip to content"
    assert focused[1] != "-48px"  # moved into view on focus


def test_people_and_session_type_pages_render_cleanly(page, live_server, programme):
    visit(page, f"{live_server.url}/events/{programme.slug}/people/", "people")
    visit(page, f"{live_server.url}/events/{programme.slug}/people/radzina/", "person")
    visit(page, f"{live_server.url}/session-types/", "session-types")
    visit(page, f"{live_server.url}/session-types/rc/", "session-type")

    assert page.locator("ul.appearances li").count() == 2
