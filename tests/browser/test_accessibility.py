"""Accessibility of the public pages in headless Chromium: axe-core's WCAG 2.1 A and AA rules, keyboard use of
the programme page, and no sideways scrolling at phone width.

axe-core comes inside the axe-playwright-python wheel (no CDN). The site's CSP forbids inline script; axe is
injected with Playwright's `page.evaluate`, which runs through the DevTools protocol and is not subject to
the page's CSP, so the pages are tested under the very CSP real visitors get (no `bypass_csp` needed).
"""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from axe_playwright_python.sync_playwright import Axe

from rostrum.programme.agenda import agenda_star
from rostrum.programme.enums import Level, ProgrammeStatus, SessionFormat
from rostrum.programme.models import Session
from tests.factories.accounts import UserFactory
from tests.factories.programme import (
    AudienceFactory,
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionTypeFactory,
    TopicFactory,
    add_moderator_and_talks,
    vienna,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
# WCAG 2.1 A and AA, plus axe's experimental check that a control's name contains its visible text (2.5.3).
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
BLOCKING = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}

# Names as the society prints them, accents and scripts included.
SPEAKERS = [
    ("Ł. Żółkiewska", "Żółkiewska", "zolkiewska", "Kraków", "PL"),
    ("Ş. Öztürk", "Öztürk", "ozturk", "İzmir", "TR"),
    ("B. Ødegård", "Ødegård", "odegard", "Tromsø", "NO"),
    ("J. Müller-Lüdenscheidt", "Müller-Lüdenscheidt", "muller", "Köln", "DE"),
    ("A. Ιωάννου", "Ιωάννου", "ioannou", "Αθήνα", "GR"),
    ("李 明", "李", "li-ming", "Beijing", "CN"),
]
# code, type name, title, day, room, hour, minute, minutes
SESSIONS = [
    (
        "RC 101",
        "Refresher Course",
        "Imaging of the acute abdomen: what the resident must know",
        4,
        0,
        8,
        30,
        90,
    ),
    ("NH 102", "New Horizons", "Photon-counting CT: from physics to the clinic", 4, 1, 8, 30, 60),
    ("MS 103", "Multidisciplinary Session", "Rectal cancer: the tumour board", 4, 2, 10, 0, 60),
    ("HW 104", "Hands-on Workshop", "Ultrasound-guided biopsy", 5, 2, 8, 0, 120),
    ("RC 105", "Refresher Course", "Paediatric chest radiography in low-resource settings", 5, 0, 10, 30, 90),
]


def build_programme():
    """Two congress days in three rooms; MS 103 is cancelled."""
    congress = EventFactory(
        slug="ecr-2030",
        title="European Congress of Radiology 2030",
        acronym="ECR 2030",
        start_date=dt.date(2030, 3, 4),
        end_date=dt.date(2030, 3, 5),
        organiser="European Society of Radiology",
        description="Refresher courses, research, hands-on workshops and live sessions.",
    )
    rooms = [
        RoomFactory(event=congress, name=name, slug=name.lower().replace(" ", "-"), position=i)
        for i, name in enumerate(["Room A", "Room B", "Studio 1"])
    ]
    people = [
        PersonFactory(
            event=congress,
            code=code,
            printed_name=printed,
            family_name=family,
            city=city,
            country=country,
            biography=f"{printed} teaches radiology in {city}.",
        )
        for printed, family, code, city, country in SPEAKERS
    ]
    topic = TopicFactory(slug="abdominal", name="Abdominal")
    audience = AudienceFactory(slug="residents", name="Residents")
    for n, (code, type_name, title, day, room, hour, minute, minutes) in enumerate(SESSIONS):
        prefix = code.split()[0]
        session = SessionFactory(
            event=congress,
            code=code,
            slug=code.lower().replace(" ", "-"),
            title=title,
            session_type=SessionTypeFactory(code=prefix, slug=prefix.lower(), name=type_name),
            room=rooms[room],
            starts_at=vienna(day, hour, minute),
            ends_at=vienna(day, hour, minute) + dt.timedelta(minutes=minutes),
            format=[SessionFormat.HYBRID, SessionFormat.LIVE, SessionFormat.ON_SITE][n % 3],
            level=Level.II,
            status=ProgrammeStatus.CANCELLED if code == "MS 103" else ProgrammeStatus.SCHEDULED,
            description="This session reviews the key findings, pitfalls and reporting standards.",
            learning_objectives=["to recognise the key imaging findings", "to write a clear report"],
        )
        session.topics.add(topic)
        session.audiences.add(audience)
        add_moderator_and_talks(session, people=people, offset=n)
    return congress


@pytest.fixture
def programme(live_server):
    return build_programme()


def sign_in(page, base_url: str):
    user = UserFactory(email="anna@example.org", first_name="Zoë", last_name="Ødegård")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return user


def axe_problems(
    page, url: str, *, blocking: set[str] = BLOCKING, ready: str = "main"
) -> tuple[list[str], list[str]]:
    """Open `url`, wait for `ready`, run axe: (violations of `blocking` impact, milder ones), a line each."""
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_selector(ready)
    results = Axe().run(page, options=WCAG_AA).response
    found, mild = [], []
    for violation in results["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        line = f"{url} [{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}"
        (found if violation["impact"] in blocking else mild).append(line)
    return found, mild


def assert_accessible(page, urls: list[str], *, blocking: set[str] = BLOCKING) -> None:
    found, mild = [], []
    for url in urls:
        page_found, page_mild = axe_problems(page, url, blocking=blocking)
        found += page_found
        mild += page_mild
    assert found == [], "\n".join(["Serious or critical:", *found, "Moderate or minor:", *mild])


def test_public_pages_have_no_serious_axe_violations(page, live_server, programme):
    base, event = live_server.url, f"{live_server.url}/events/{programme.slug}"

    assert_accessible(
        page,
        [
            f"{base}/",
            f"{event}/?day=2030-03-04",
            f"{event}/?day=2030-03-04&view=grid",
            f"{event}/?day=all&session_type=rc&topic=abdominal",
            f"{event}/?day=2030-03-05&room=nothing-here",
            f"{event}/sessions/hw-104/",
            f"{event}/sessions/ms-103/",
            f"{event}/people/",
            f"{event}/people/zolkiewska/",
            f"{base}/session-types/",
            f"{base}/session-types/rc/",
            f"{base}/search/?q=M%C3%BCller",
            f"{base}/search/?q=nothing+matches+this",
            f"{base}/accounts/login/",
            f"{base}/accounts/signup/",
        ],
    )


def test_signed_in_pages_have_no_serious_axe_violations(page, live_server, programme):
    user = sign_in(page, live_server.url)
    # A starred session and one of its talks: both stars on one page must not share an id.
    workshop = Session.objects.get(code="HW 104")
    agenda_star(user, session=workshop)
    agenda_star(user, presentation=workshop.presentations.first())

    assert_accessible(
        page,
        [
            f"{live_server.url}/account/profile/",
            f"{live_server.url}/my/programme/",
            f"{live_server.url}/events/{programme.slug}/?day=2030-03-05",
            f"{live_server.url}/events/{programme.slug}/sessions/hw-104/",
        ],
    )
    assert page.locator(".star-button[aria-pressed=true]").count() == 2


def test_api_docs_have_no_critical_axe_violations(page, live_server, db):
    # Swagger UI puts links inside its operation buttons (nested-interactive, serious): its markup is not ours
    # to change, so that page fails only on critical problems. Its colours are fixed in api-docs.css.
    swagger, swagger_mild = axe_problems(
        page, f"{live_server.url}/api/v1/docs/", blocking={"critical"}, ready=".opblock"
    )
    redoc, redoc_mild = axe_problems(page, f"{live_server.url}/api/v1/redoc/", ready=".api-content")

    assert swagger + redoc == [], "\n".join([*swagger, *redoc, "Milder:", *swagger_mild, *redoc_mild])


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {tag: el.tagName.toLowerCase(), id: el.id, text: el.textContent.trim(),
                    cls: el.className, href: el.getAttribute('href') || '',
                    outline: style.outlineStyle, shadow: style.boxShadow,
                    visible: el.matches(':focus-visible')};
        }"""
    )


def tab_until(page, predicate, *, limit: int = 80) -> list[dict]:
    """Press Tab until the focused element satisfies `predicate`; every stop on the way, focus-visible."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        stops.append(stop)
        if predicate(stop):
            return stops
    raise AssertionError(f"never reached; stops: {[(s['tag'], s['text'][:30]) for s in stops]}")


def test_programme_page_works_with_the_keyboard(page, live_server, programme):
    page.goto(f"{live_server.url}/events/{programme.slug}/?day=2030-03-04")

    page.keyboard.press("Tab")
    skip = focused(page)
    page.keyboard.press("Enter")
    in_main = focused(page)
    stops = tab_until(page, lambda s: s["tag"] == "summary")
    page.keyboard.press("Enter")
    filter_open = page.locator("details.filters").evaluate("el => el.open")
    page.keyboard.press("Tab")
    in_filter = focused(page)
    stops += tab_until(page, lambda s: "star-button" in s["cls"])
    pressed_before = page.evaluate("document.activeElement.getAttribute('aria-pressed')")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.getAttribute('aria-pressed') === 'true'")
    page.keyboard.press("Space")
    page.wait_for_function("document.activeElement.getAttribute('aria-pressed') === 'false'")

    assert (skip["text"], skip["href"]) == ("Skip to content", "#main")
    assert in_main["id"] == "main"
    assert any(s["href"].endswith("day=2030-03-05") for s in stops), "day tab not reached"
    assert filter_open is True
    assert in_filter["id"] == "f-day"
    assert pressed_before == "false"
    # Its name starts with the word on it and says what it stars, whatever its state.
    assert (
        page.get_by_role("button", name="Star RC 101 Imaging of the acute abdomen", exact=False).count() == 1
    )
    invisible = [
        s for s in [skip, *stops] if not s["visible"] or (s["outline"] == "none" and s["shadow"] == "none")
    ]
    assert invisible == []


def overflow(page, url: str) -> dict:
    """How far the page scrolls sideways, and the main navigation links not fully in view."""
    page.goto(url)
    return page.evaluate(
        """() => ({
            sideways: Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth),
            hiddenLinks: [...document.querySelectorAll('.site-nav a')]
                .filter(a => a.getBoundingClientRect().right > window.innerWidth)
                .map(a => a.textContent),
        })"""
    )


def test_pages_do_not_scroll_sideways_on_a_phone(page, live_server, programme):
    page.set_viewport_size(PHONE)
    event = f"{live_server.url}/events/{programme.slug}"

    found = {
        name: overflow(page, url)
        for name, url in [
            ("front", f"{live_server.url}/"),
            ("list", f"{event}/?day=2030-03-04"),
            ("grid", f"{event}/?day=2030-03-04&view=grid"),  # the grid scrolls inside its own box
            ("session", f"{event}/sessions/hw-104/"),
            ("person", f"{event}/people/muller/"),
        ]
    }

    assert found == {name: {"sideways": 0, "hiddenLinks": []} for name in found}
