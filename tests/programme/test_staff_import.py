import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from rostrum.core.models import ActivityLog
from rostrum.programme.models import Event, Presentation, Session
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db

AGENDA = """\
Breast Imaging Basics
May 2, 2024 | 10:00 - 11:30 CEST
Watch this course online!
Moderator: A. Rockall, London/UK
About the course
Reading mammograms, step by step.
Learning objectives
- to read a mammogram.
10:00 - 10:40 Screening today
Anna Müller, Zürich/CH and B. Tan, Singapore/SG
10:40 - 11:00 Coffee break
stray words here
11:00 - 11:30 Q&A Session
"""
FRAB = Path("/work/shared/fixtures/31c3.schedule.xml")
IMPORT = reverse("programme:staff-import")


def post(client, url=IMPORT, **data):
    fields = {"format": "text", "event": "breast-2024", "title": "", "timezone": "", "text": "", **data}
    return client.post(url, fields)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_import_page_sends_visitors_to_sign_in(client):
    response = client.get(IMPORT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_import_page_refuses_members(client):
    client.force_login(UserFactory())

    assert client.get(IMPORT).status_code == 403
    assert post(client, text=AGENDA, confirmed="1").status_code == 403
    assert Event.objects.count() == 0


def test_import_page_shows_the_form_in_the_back_office(staff_client):
    EventFactory(slug="ecr-2031")

    response = staff_client.get(IMPORT)

    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["programme/staff/import.html", "admin/base_site.html"]
    assert b'class="breadcrumbs"' in response.content
    assert b'<option value="ecr-2031">' in response.content


def test_import_page_preview_shows_what_was_understood_and_saves_nothing(staff_client):
    response = post(staff_client, text=AGENDA)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [s.title for s in preview.sessions] == ["Breast Imaging Basics"]
    html = response.content.decode()
    assert "A new online course <strong>breast-2024</strong> will be created." in html
    assert "10:00–10:40 CEST" in html  # noqa: RUF001 - the page prints time ranges with an en dash
    assert "08:00–08:40" in html  # noqa: RUF001 - in UTC
    assert "Anna Müller, Zürich/CH (Switzerland)<br>B. Tan, Singapore/SG (Singapore)" in html
    assert "Moderator: A. Rockall, London/GB" in html
    assert "Reading mammograms, step by step." in html
    assert "<li>to read a mammogram.</li>" in html
    assert "Line 12: not understood, left out: <code>stray words here</code>" in html
    assert (Event.objects.count(), Session.objects.count(), Presentation.objects.count()) == (0, 0, 0)


def test_import_page_preview_of_an_uploaded_agenda(staff_client):
    upload = SimpleUploadedFile("agenda.txt", AGENDA.encode("cp1252", errors="replace"))

    response = staff_client.post(IMPORT, {"format": "text", "event": "breast-2024", "file": upload})

    assert [i.title for i in response.context["preview"].items] == [
        "Screening today",
        "Coffee break",
        "Q&A Session",
    ]
    assert Event.objects.count() == 0


def test_import_page_import_saves_and_reports(staff_client, staff_user):
    response = post(staff_client, text=AGENDA, title="Breast course", timezone="Europe/Zurich", confirmed="1")

    assert response.status_code == 200
    event = Event.objects.get(slug="breast-2024")
    assert (event.title, event.timezone, event.start_date) == (
        "Breast course",
        "Europe/Zurich",
        dt.date(2024, 5, 2),
    )
    assert response.context["report"].created == {
        "events": 1,
        "people": 3,
        "sessions": 1,
        "moderators": 1,
        "presentations": 3,
    }
    html = response.content.decode()
    assert "3 presentations created" in html
    assert "Line 12: not understood, left out: stray words here" in html
    assert ActivityLog.objects.filter(action="programme.event.created", actor=staff_user).count() == 1


def test_import_page_shows_errors_in_the_form_and_saves_nothing(staff_client):
    bad = AGENDA.replace("CEST", "XYZ")

    response = post(staff_client, text=bad, confirmed="1")

    assert "Line 2: unknown time zone &#x27;XYZ&#x27;" in response.content.decode()
    assert Event.objects.count() == 0


def test_import_page_asks_for_the_agenda(staff_client):
    response = post(staff_client)

    assert response.context["form"].non_field_errors() == [
        "Paste the agenda into the box or upload it as a file."
    ]


def test_event_import_page_imports_only_into_its_event(staff_client):
    course = EventFactory(slug="course", timezone="Europe/Vienna", start_date=dt.date(2024, 5, 2))
    other = EventFactory(slug="other")
    SessionFactory(event=other, code="breast-imaging-basics", slug="breast-imaging-basics")

    url = reverse("programme:staff-import-event", kwargs={"event": "course"})
    response = post(staff_client, url, event="other", text=AGENDA, confirmed="1")

    assert response.context["report"].event == course
    assert Presentation.objects.filter(event=course).count() == 3
    assert Presentation.objects.filter(event=other).count() == 0
    assert Session.objects.get(event=other).title != "Breast Imaging Basics"


def test_event_import_page_of_an_unknown_event_is_not_found(staff_client):
    url = reverse("programme:staff-import-event", kwargs={"event": "nope"})

    assert staff_client.get(url).status_code == 404


@pytest.mark.skipif(not FRAB.exists(), reason="the frab fixture is not on this machine")
def test_import_page_imports_a_frab_file_and_reports(staff_client):
    upload = SimpleUploadedFile("schedule.xml", FRAB.read_bytes(), content_type="application/xml")

    response = staff_client.post(IMPORT, {"format": "frab-xml", "event": "31c3", "file": upload})

    assert (
        response.context["report"].created["presentations"]
        == Presentation.objects.filter(event__slug="31c3").count()
    )
    assert "presentations created" in response.content.decode()


def test_import_page_shows_a_broken_file_error(staff_client):
    upload = SimpleUploadedFile("schedule.xml", b"<schedule><day", content_type="application/xml")

    response = staff_client.post(IMPORT, {"format": "frab-xml", "event": "x", "file": upload})

    assert response.status_code == 200
    assert len(response.context["form"].non_field_errors()) == 1
    assert '<p class="errornote">line 1: ' in response.content.decode()
    assert Event.objects.count() == 0


def test_import_page_preview_carries_the_agenda_to_its_import_button(staff_client):
    html = post(staff_client, text=AGENDA, title="Breast course").content.decode()

    assert f'<textarea name="text" hidden>{escape(AGENDA)}</textarea>' in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert '<input type="hidden" name="title" value="Breast course">' in html
    response = post(staff_client, text=AGENDA, title="Breast course", confirmed="1")
    assert response.context["report"].event.title == "Breast course"
