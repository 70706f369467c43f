"""Writes to accounts: profile changes and the deletion of an account at its owner's request."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from rostrum.accounts.errors import AccountError
from rostrum.accounts.models import User
from rostrum.accounts.signals import account_deleting
from rostrum.core.models import ActivityLog
from rostrum.core.services import activity_log

PROFILE_FIELDS = ("certificate_name", "first_name", "last_name", "profession", "country", "institution")
DELETED_DOMAIN = "deleted.invalid"


def user_profile_update(user: User, *, by: User, **fields) -> User:
    """Change the profile fields given (any of PROFILE_FIELDS) and return the user.

    Side effects: saves the user; writes an activity-log row naming the changed fields (not their values,
    so the log holds no copy of personal data) when anything changed.
    """
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise AccountError(f"These fields are not part of a profile: {', '.join(sorted(unknown))}.")
    if "certificate_name" in fields:
        fields["certificate_name"] = " ".join(str(fields["certificate_name"]).split())
    changed = sorted(name for name, value in fields.items() if getattr(user, name) != value)
    if not changed:
        return user
    for name in changed:
        setattr(user, name, fields[name])
    user.save(update_fields=changed)
    activity_log(action="accounts.user.profile_updated", actor=by, obj=user, data={"fields": changed})
    return user


@transaction.atomic
def user_account_delete(user: User, *, by: User) -> User:
    """Delete an account at its owner's request by anonymising it; return the anonymised user.

    The row stays so that what other rows point at (activity log, orders) stays consistent, but nothing in it
    identifies the person any more. Side effects, in one transaction:
    - sends `account_deleting` first, so higher apps delete or anonymise their rows (the programme app removes
      the personal agenda and calendar feeds); invoices the law requires to be kept will be kept by the
      registration app, which strips them to what must stay;
    - replaces the e-mail by a unique placeholder at an invalid domain, clears names and profile, sets an
      unusable password, makes the user inactive and without staff rights, groups or permissions (which also
      ends every session of the user elsewhere: Django checks the password hash on each request);
    - removes the user's e-mail addresses and two-factor authenticators (TOTP, recovery codes);
    - blanks the description of activity-log rows about the user (they named the person);
    - logs the deletion.
    The caller signs the user out of the current session.
    """
    if not user.is_active and user.email.endswith(f"@{DELETED_DOMAIN}"):
        raise AccountError("This account has already been deleted.")
    account_deleting.send(sender=User, user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@{DELETED_DOMAIN}"
    for name in PROFILE_FIELDS:
        setattr(user, name, "")
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # The activity log is append-only, but erasure of personal data overrides that for the one column that
    # copied the person's name; what happened and when stays.
    ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=str(user))
    activity_log(action="accounts.user.deleted", actor=by, obj=user)
    return user
