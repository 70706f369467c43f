"""Choices of registration, in the society's words."""

from django.db import models


class ProductKind(models.TextChoices):
    CONGRESS_REGISTRATION = "congress_registration", "Congress registration"
    HIGHLIGHT_WEEK_PASS = "highlight_week_pass", "Highlight Week pass"
    COURSE_TICKET = "course_ticket", "Course ticket"
    WORKSHOP_SEAT = "workshop_seat", "Workshop seat"
    MEMBERSHIP_FEE = "membership_fee", "Membership fee"


class PriceWindow(models.TextChoices):
    """Date windows of a price; a price may also apply all the time (regular, no dates)."""

    EARLY = "early", "Early"
    REGULAR = "regular", "Regular"
    LATE = "late", "Late"


class VatCategory(models.TextChoices):
    """Which of a country's VAT rates applies to a product; the rates per country are data."""

    STANDARD = "standard", "Standard rate"
    REDUCED = "reduced", "Reduced rate"
    EXEMPT = "exempt", "Exempt"


class VoucherKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage off"
    FIXED = "fixed", "Fixed amount off"
    FREE = "free", "Free of charge"


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    REFUNDED = "refunded", "Refunded"


# Orders in these states hold their seats: the seat counter includes them.
SEAT_HOLDING_STATUSES = (OrderStatus.PENDING, OrderStatus.PAID)


class PaymentProviderCode(models.TextChoices):
    FREE = "free", "Free of charge"
    BANK_TRANSFER = "bank_transfer", "Bank transfer / invoice"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Seat offered"
    ACCEPTED = "accepted", "Seat taken"
    EXPIRED = "expired", "Offer expired"
    LEFT = "left", "Left the waitlist"


# A user is at most once on a product's waitlist in these states.
OPEN_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class EntitlementScope(models.TextChoices):
    """What content an entitlement opens."""

    EVENT = "event", "Whole event"
    SESSION_TYPE = "session_type", "Session type"
    SESSION = "session", "Single session"
    CATALOGUE = "catalogue", "E-learning catalogue"


class EntitlementSource(models.TextChoices):
    ORDER = "order", "Order"
    MEMBERSHIP = "membership", "Membership"
    STAFF = "staff", "Granted by staff"
