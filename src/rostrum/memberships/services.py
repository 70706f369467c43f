"""Writes to memberships: applications, approval, payment, renewal, expiry and reminders.

A membership's life: `membership_apply` creates it pending approval (its type needs a proof staff check),
pending payment (its type has a fee) or active (free, no proof). Paid types are paid through the registration
app's orders (it calls `membership_record_payment` when the order is paid); staff confirm a payment taken
elsewhere (at the desk) with `membership_mark_paid`. Active memberships run for the type's validity period
and end by `membership_expire_due`, run daily with the reminders.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from rostrum.core.services import activity_log
from rostrum.memberships.enums import OPEN_STATUSES, MembershipStatus, ReminderKind
from rostrum.memberships.errors import MembershipError
from rostrum.memberships.models import Membership, MembershipReminder, MembershipType
from rostrum.memberships.selectors import membership_type_eligibility
from rostrum.memberships.signals import membership_activated, membership_ended

# Reminders go out when this many days are left at most; the daily run catches up if it missed a day.
REMINDER_DAYS = {ReminderKind.DAYS_30: 30, ReminderKind.DAYS_7: 7}
# An expiry notice is only sent this long after the end, so a first run never mails years-old members.
EXPIRY_NOTICE_DAYS = 30


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 January → 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _end_date(start: dt.date, months: int) -> dt.date:
    """The last valid day of a period of `months` starting on `start` (15 January → 14 January)."""
    return _add_months(start, months) - dt.timedelta(days=1)


def _status(membership: Membership) -> str:
    return membership.get_status_display().lower()


def _is_staff(user) -> bool:
    return bool(user is not None and getattr(user, "is_staff", False))


def _activate(membership: Membership, *, today: dt.date) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.valid_from = today
    membership.valid_until = _end_date(today, membership.membership_type.validity_months)


def _settle(
    membership: Membership, *, by, action: str, today: dt.date | None = None, data: dict | None = None
) -> Membership:
    """Move a pending membership on once what it waits for is there: approval first, then payment."""
    membership_type = membership.membership_type
    if membership_type.requires_proof and membership.approved_at is None:
        membership.status = MembershipStatus.PENDING_APPROVAL
    elif not membership_type.is_free and membership.paid_at is None:
        membership.status = MembershipStatus.PENDING_PAYMENT
    else:
        _activate(membership, today=today or timezone.localdate())
    membership.save()
    activity_log(action=action, actor=by, obj=membership, data={"status": membership.status, **(data or {})})
    if membership.is_active:
        membership_activated.send(sender=Membership, membership=membership)
    return membership


def membership_apply(*, user, membership_type: MembershipType, proof=None) -> Membership:
    """Apply for a membership of `membership_type` and return it: active, pending approval or payment.

    Raises MembershipError when the type takes no applications, the profile does not meet its rules (the
    message says what is missing), a required proof is missing, or the user already holds or has applied
    for this type. Side effects: saves the membership and its proof; logs `memberships.membership.applied`;
    sends `membership_activated` when it is active at once (a free type without proof).
    """
    if not membership_type.is_active:
        raise MembershipError(f"{membership_type.name} takes no new applications.")
    reason = membership_type_eligibility(membership_type, user=user)
    if reason:
        raise MembershipError(reason)
    if membership_type.requires_proof and not proof:
        what = membership_type.proof_label or "a proof document"
        raise MembershipError(
            f"Please upload {what}; staff check it before your membership starts.", field="proof"
        )
    if Membership.objects.filter(
        user=user, membership_type=membership_type, status__in=OPEN_STATUSES
    ).exists():
        raise MembershipError(f"You already hold or have applied for {membership_type.name}.")
    membership = Membership(user=user, membership_type=membership_type)
    if proof and membership_type.requires_proof:
        membership.proof = proof
    try:
        with transaction.atomic():
            return _settle(membership, by=user, action="memberships.membership.applied")
    except IntegrityError as error:  # a second request raced the check above
        raise MembershipError(f"You already hold or have applied for {membership_type.name}.") from error


def _require_staff(by, verb: str) -> None:
    if not _is_staff(by):
        raise MembershipError(f"Only staff may {verb} a membership.")


@transaction.atomic
def membership_approve(membership: Membership, *, by) -> Membership:
    """Accept the proof of a membership pending approval (staff only) and return it.

    It becomes active, or pending payment when its type has a fee not yet paid. Side effects: records who
    approved and when; logs `memberships.membership.approved`; sends `membership_activated` if active.
    """
    _require_staff(by, "approve")
    if membership.status != MembershipStatus.PENDING_APPROVAL:
        raise MembershipError(
            f"Only a membership pending approval can be approved; this one is {_status(membership)}."
        )
    membership.approved_by = by
    membership.approved_at = timezone.now()
    return _settle(membership, by=by, action="memberships.membership.approved")


@transaction.atomic
def membership_reject(membership: Membership, *, by, reason: str) -> Membership:
    """Turn down a pending membership (staff only), telling the member why, and return it.

    Side effects: saves status and reason; logs `memberships.membership.rejected`; e-mails the member.
    """
    _require_staff(by, "reject")
    reason = (reason or "").strip()
    if not reason:
        raise MembershipError("Please give the reason; the member reads it.", field="reason")
    if membership.status not in (MembershipStatus.PENDING_APPROVAL, MembershipStatus.PENDING_PAYMENT):
        raise MembershipError(
            f"Only a pending membership can be rejected; this one is {_status(membership)}."
        )
    membership.status = MembershipStatus.REJECTED
    membership.reason = reason
    membership.save(update_fields=["status", "reason"])
    activity_log(action="memberships.membership.rejected", actor=by, obj=membership, data={"reason": reason})
    _mail(membership, "rejected")
    return membership


@transaction.atomic
def membership_mark_paid(membership: Membership, *, by) -> Membership:
    """Record that the fee of a membership was paid (staff only, until orders take payments) and return it.

    Pending payment: it becomes active from today. Pending approval: the payment is kept and approval
    activates it. Active with a renewal requested: it is renewed. Side effects: logs
    `memberships.membership.paid`; sends `membership_activated` when it becomes active or is renewed.
    """
    _require_staff(by, "mark as paid")
    if membership.membership_type.is_free:
        raise MembershipError(
            f"{membership.membership_type.name} is free of charge; there is nothing to pay."
        )
    if membership.status == MembershipStatus.ACTIVE and membership.renewal_requested_at:
        membership.paid_at = timezone.now()
        return _extend(membership, by=by, action="memberships.membership.paid")
    if membership.status not in (MembershipStatus.PENDING_PAYMENT, MembershipStatus.PENDING_APPROVAL):
        raise MembershipError("Only a membership waiting for its fee can be marked as paid.")
    membership.paid_at = timezone.now()
    membership.renewal_requested_at = None
    return _settle(membership, by=by, action="memberships.membership.paid")


@transaction.atomic
def membership_record_payment(membership: Membership, *, order_code: str) -> Membership:
    """Record that a paid order of the registration app paid the fee of `membership`, and return it.

    Called by registration when the order is paid (staff confirmed the transfer, or the provider did), so
    there is no staff check here: the order is the proof. Same outcomes as membership_mark_paid: pending
    payment becomes active from today, pending approval keeps the payment for the approval, an active one
    with a renewal requested is renewed. Raises MembershipError when the membership no longer waits for a
    fee (cancelled, rejected, already paid). Side effects: paid_at; logs `memberships.membership.paid` with
    the order code; sends `membership_activated` when it becomes active or is renewed.
    """
    data = {"order": order_code}
    if membership.membership_type.is_free:
        raise MembershipError(
            f"{membership.membership_type.name} is free of charge; there is nothing to pay."
        )
    if membership.status == MembershipStatus.ACTIVE and membership.renewal_requested_at:
        membership.paid_at = timezone.now()
        return _extend(membership, by=None, action="memberships.membership.paid", data=data)
    if membership.status not in (MembershipStatus.PENDING_PAYMENT, MembershipStatus.PENDING_APPROVAL):
        raise MembershipError(
            f"This membership is {_status(membership)}; it is no longer waiting for its fee."
        )
    membership.paid_at = timezone.now()
    membership.renewal_requested_at = None
    return _settle(membership, by=None, action="memberships.membership.paid", data=data)


def _extend(
    membership: Membership, *, by, action: str, today: dt.date | None = None, data: dict | None = None
) -> Membership:
    today = today or timezone.localdate()
    months = membership.membership_type.validity_months
    if membership.valid_until and membership.valid_until >= today:
        membership.valid_until = _add_months(membership.valid_until, months)
    else:
        membership.valid_from = today
        membership.valid_until = _end_date(today, months)
    membership.status = MembershipStatus.ACTIVE
    membership.renewal_requested_at = None
    membership.save()
    activity_log(
        action=action,
        actor=by,
        obj=membership,
        data={"valid_until": membership.valid_until.isoformat(), **(data or {})},
    )
    membership_activated.send(sender=Membership, membership=membership)
    return membership


@transaction.atomic
def membership_renew(membership: Membership, *, by, today: dt.date | None = None) -> Membership:
    """Renew an active or expired membership for its type's validity period and return it.

    The new period runs from the later of today and the current end, so renewing early loses nothing. A free
    type, or staff renewing, extends it at once. A member renewing a paid type asks for the renewal: it is
    extended once staff mark the fee paid (an expired one waits as pending payment). Side effects: logs
    `memberships.membership.renewed` (or `.renewal_requested`); sends `membership_activated` when extended.
    """
    if membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.EXPIRED):
        raise MembershipError(
            f"Only an active or expired membership can be renewed; this one is {_status(membership)}."
        )
    if not _is_staff(by) and by != membership.user:
        raise MembershipError("Only the member or staff may renew a membership.")
    if (
        membership.status == MembershipStatus.EXPIRED
        and Membership.objects.filter(
            user=membership.user, membership_type=membership.membership_type, status__in=OPEN_STATUSES
        ).exists()
    ):
        raise MembershipError(f"You already hold or have applied for {membership.membership_type.name}.")
    if membership.membership_type.is_free or _is_staff(by):
        return _extend(membership, by=by, action="memberships.membership.renewed", today=today)
    membership.renewal_requested_at = timezone.now()
    if membership.status == MembershipStatus.EXPIRED:
        membership.status = MembershipStatus.PENDING_PAYMENT
        membership.paid_at = None
    membership.save()
    activity_log(action="memberships.membership.renewal_requested", actor=by, obj=membership)
    return membership


@transaction.atomic
def membership_cancel(membership: Membership, *, by, reason: str = "") -> Membership:
    """End a pending or active membership early (its member or staff) and return it.

    Side effects: saves status and reason; logs `memberships.membership.cancelled`; sends `membership_ended`
    (reason "cancelled") if it was active.
    """
    if not _is_staff(by) and by != membership.user:
        raise MembershipError("Only the member or staff may cancel a membership.")
    if membership.status not in OPEN_STATUSES:
        raise MembershipError("Only a pending or active membership can be cancelled.")
    was_active = membership.is_active
    membership.status = MembershipStatus.CANCELLED
    membership.reason = reason.strip()
    membership.save(update_fields=["status", "reason"])
    activity_log(
        action="memberships.membership.cancelled",
        actor=by,
        obj=membership,
        data={"reason": membership.reason},
    )
    if was_active:
        membership_ended.send(sender=Membership, membership=membership, reason="cancelled")
    return membership


def membership_expire_due(*, today: dt.date | None = None) -> int:
    """Mark active memberships whose last day is before `today` as expired; return how many.

    Side effects per membership, each in its own transaction: saves the status; logs
    `memberships.membership.expired`; sends `membership_ended` (reason "expired").
    """
    today = today or timezone.localdate()
    due = Membership.objects.filter(status=MembershipStatus.ACTIVE, valid_until__lt=today)
    count = 0
    for membership in list(due.select_related("membership_type")):
        with transaction.atomic():
            membership.status = MembershipStatus.EXPIRED
            membership.save(update_fields=["status"])
            activity_log(action="memberships.membership.expired", obj=membership)
            membership_ended.send(sender=Membership, membership=membership, reason="expired")
        count += 1
    return count


def _reminder_kind(membership: Membership, today: dt.date) -> ReminderKind | None:
    days_left = (membership.valid_until - today).days
    if days_left < 0:
        return ReminderKind.EXPIRED if -days_left <= EXPIRY_NOTICE_DAYS else None
    for kind in (ReminderKind.DAYS_7, ReminderKind.DAYS_30):
        if days_left <= REMINDER_DAYS[kind]:
            return kind
    return None


def membership_send_reminders(*, today: dt.date | None = None) -> int:
    """E-mail members whose membership ends within 30 days, within 7 days, or has just ended; return how
    many e-mails went out.

    Each reminder goes out once per end date (a renewal moves the end date, and the reminders start
    again); when a run was missed only the most urgent reminder is sent. Renewals requested and awaiting
    their fee still get reminders. Side effects: a MembershipReminder row and one e-mail per reminder;
    logs `memberships.membership.reminded`.
    """
    today = today or timezone.localdate()
    candidates = Membership.objects.filter(
        status__in=(MembershipStatus.ACTIVE, MembershipStatus.EXPIRED),
        valid_until__gte=today - dt.timedelta(days=EXPIRY_NOTICE_DAYS),
        valid_until__lte=today + dt.timedelta(days=REMINDER_DAYS[ReminderKind.DAYS_30]),
    ).select_related("membership_type", "user")
    sent = 0
    for membership in list(candidates):
        kind = _reminder_kind(membership, today)
        if kind is None:
            continue
        with transaction.atomic():
            _reminder, created = MembershipReminder.objects.get_or_create(
                membership=membership, kind=kind, valid_until=membership.valid_until
            )
            if not created:
                continue
            activity_log(action="memberships.membership.reminded", obj=membership, data={"kind": kind.value})
            _mail(membership, f"reminder_{kind.value}", days_left=(membership.valid_until - today).days)
        sent += 1
    return sent


def _mail(membership: Membership, template: str, **context) -> None:
    """E-mail the member from the templates memberships/email/<template>_{subject,body}.txt.

    Callers send inside their transaction: when the mail server fails, the change (or the reminder row)
    rolls back and the next run tries again, rather than recording a mail nobody received.
    """
    context = {
        "membership": membership,
        "user": membership.user,
        "site_name": settings.ROSTRUM_SITE_NAME,
        "society_name": settings.ROSTRUM_SOCIETY_NAME,
        "my_membership_url": f"{settings.ROSTRUM_BASE_URL}/account/memberships/",
        **context,
    }
    subject = " ".join(render_to_string(f"memberships/email/{template}_subject.txt", context).split())
    body = render_to_string(f"memberships/email/{template}_body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [membership.user.email])
    message.send()


TYPE_FIELDS = (
    "name",
    "for_whom",
    "description",
    "annual_fee",
    "currency",
    "professions",
    "region",
    "requires_proof",
    "proof_label",
    "validity_months",
    "is_active",
    "position",
)


@transaction.atomic
def membership_type_update_or_create(
    *, code: str, benefits: list[dict], by=None, **fields
) -> tuple[MembershipType, bool]:
    """Create or update (by code) a membership type and replace its benefits; return (type, created).

    `benefits` is a list of {"text", "grant": {"kind", "reference"} or absent}. Side effects: saves the type
    and its benefits; logs `memberships.type.created` or `.updated`.
    """
    unknown = set(fields) - set(TYPE_FIELDS)
    if unknown:
        raise MembershipError(
            f"These fields are not part of a membership type: {', '.join(sorted(unknown))}."
        )
    membership_type, created = MembershipType.objects.update_or_create(code=code, defaults=fields)
    membership_type.benefits.all().delete()
    for position, benefit in enumerate(benefits):
        grant = benefit.get("grant") or {}
        membership_type.benefits.create(
            text=benefit["text"],
            grant_kind=grant.get("kind", ""),
            grant_reference=grant.get("reference", ""),
            position=position,
        )
    activity_log(
        action=f"memberships.type.{'created' if created else 'updated'}", actor=by, obj=membership_type
    )
    return membership_type, created
