from django.db import models


class Region(models.TextChoices):
    """Where a member must live for a membership type, decided by the country of their profile."""

    ANYWHERE = "anywhere", "Anywhere"
    EUROPE = "europe", "Inside Europe"
    OUTSIDE_EUROPE = "outside_europe", "Outside Europe"


class MembershipStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    PENDING_PAYMENT = "pending_payment", "Pending payment"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"
    REJECTED = "rejected", "Rejected"


# A user holds at most one membership of a type in these states: a second application would duplicate it.
OPEN_STATUSES = (MembershipStatus.PENDING_APPROVAL, MembershipStatus.PENDING_PAYMENT, MembershipStatus.ACTIVE)


class GrantKind(models.TextChoices):
    """What a benefit unlocks; the registration app turns grants into entitlements."""

    EVENT = "event", "Event"
    SESSION_TYPE = "session_type", "Session type"
    ELEARNING = "elearning", "E-learning"


class ReminderKind(models.TextChoices):
    DAYS_30 = "30_days", "30 days before the end"
    DAYS_7 = "7_days", "7 days before the end"
    EXPIRED = "expired", "On expiry"
