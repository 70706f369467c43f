"""Reads of accounts: everything Rostrum holds about one user, for their data download."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from rostrum.accounts.models import User
from rostrum.accounts.signals import personal_data_requested
from rostrum.core.models import ActivityLog


def _when(value) -> str | None:
    return value.isoformat() if value else None


def user_personal_data(*, user: User) -> dict[str, Any]:
    """The user's own data as plain JSON: profile, e-mail addresses, two-factor methods, the activity log
    rows where they acted, and the sections higher apps add through `personal_data_requested`.

    Secrets (password hash, TOTP secret, recovery codes) are left out: they are credentials, not data about
    the person, and a downloaded file must not let anyone sign in.
    """
    data: dict[str, Any] = {
        "profile": {
            "email": user.email,
            "certificate_name": user.certificate_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "profession": user.profession,
            "country": user.country.code or "",
            "institution": user.institution,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor": [
            {
                "type": method.type,
                "created": _when(method.created_at),
                "last_used": _when(method.last_used_at),
            }
            for method in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "activity": [
            {"when": _when(row.created), "action": row.action, "object": row.object_repr, "data": row.data}
            for row in ActivityLog.objects.filter(actor=user).order_by("created", "pk")
        ],
    }
    for receiver, section in personal_data_requested.send(sender=User, user=user):
        clash = set(section) & set(data)
        if clash:
            raise ValueError(f"{receiver} answered with sections that already exist: {sorted(clash)}")
        data.update(section)
    return data
