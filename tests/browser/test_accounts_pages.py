"""The account pages (allauth's and ours) render in the site's layout with no CSP violation.

Screenshots go to var/screenshots/accounts-*.png for a person to look at.
"""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("var/screenshots")
PASSWORD = "correct horse battery staple"


def watch_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"accounts-{name}.png", full_page=True)


def test_entrance_pages_use_the_site_layout(page, live_server, db):
    errors = watch_errors(page)

    for name, path in [
        ("sign-up", "/accounts/signup/"),
        ("sign-in", "/accounts/login/"),
        ("password-reset", "/accounts/password/reset/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator(".site-header .brand").count() == 1
        assert page.locator("form.auth-form .field").count() >= 1
        shoot(page, name)

    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#id_email", "new.member@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", "something else entirely")
    page.click("form.auth-form button[type=submit]")
    assert page.locator(".errorlist").count() >= 1
    shoot(page, "sign-up-error")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/accounts/confirm-email/")
    shoot(page, "verification-sent")
    assert errors == []


def test_signed_in_pages_use_the_site_layout(page, live_server, db):
    user = UserFactory(email="anna@example.org", certificate_name="")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    errors = watch_errors(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", "anna@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/account/profile/")
    shoot(page, "profile-first-time")
    page.fill("#id_certificate_name", "Dr. Anna Berg")
    page.select_option("#id_profession", "radiologist")
    page.select_option("#id_country", "AT")
    page.click("form.auth-form button[type=submit]")
    assert page.locator(".message").inner_text() == "Your profile is saved."
    shoot(page, "profile")

    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    page.fill("#id_password", PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.locator("img.auth-qr").count() == 1
    shoot(page, "totp-activate")

    for name, path in [
        ("two-factor", "/accounts/2fa/"),
        ("email", "/accounts/email/"),
        ("data", "/account/delete/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator(".account-nav a[aria-current=page]").count() == 1
        shoot(page, name)
    assert errors == []
