"""What the society sells and what buyers hold: products and their prices, vouchers, carts, orders, payments,
invoices, waitlists for seats, and the entitlements that open content.

Money is Decimal in the product's currency. Prices are what the buyer pays, VAT included at the rate that
applies to them (the invoice shows the VAT inside the price); see taxes.py for the rules.
"""

import secrets
import uuid
from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from rostrum.core.models import save_kwargs_without
from rostrum.core.storage import PrivateFileStorage
from rostrum.registration.enums import (
    OPEN_WAITLIST_STATUSES,
    EntitlementScope,
    EntitlementSource,
    InvoiceKind,
    OrderStatus,
    PaymentProviderCode,
    PaymentStatus,
    PriceWindow,
    ProductKind,
    VatCategory,
    VoucherKind,
    WaitlistStatus,
)

MONEY = {"max_digits": 10, "decimal_places": 2}


def money_display(amount: Decimal, currency: str) -> str:
    """“€11.00”, formatted by babel for the site's language."""
    return format_currency(amount, currency, locale=settings.LANGUAGE_CODE)


class Product(models.Model):
    """Something a buyer can order once for themselves: a congress registration, a Highlight Week pass, a
    course ticket, a hands-on workshop seat, or a membership fee.

    `capacity` limits how many may hold it (workshop seats, course places); `seats_taken` counts the seats
    held by pending and paid orders and the seats offered to the waitlist. It only moves through capacity.py,
    by a conditional UPDATE that never lets it pass the capacity (the check constraint is the last guard).
    """

    event = models.ForeignKey(
        "programme.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    kind = models.CharField(max_length=30, choices=ProductKind.choices)
    code = models.SlugField(max_length=80, unique=True, help_text="Stable identifier, e.g. ecr2026-congress.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    vat_category = models.CharField(max_length=20, choices=VatCategory.choices, default=VatCategory.STANDARD)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Seats or places; empty for no limit."
    )
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    session = models.ForeignKey(
        "programme.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        help_text="For a workshop seat or a single-session ticket: the session it opens.",
    )
    membership_type = models.ForeignKey(
        "memberships.MembershipType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        help_text="For a membership fee: the membership type it pays.",
    )
    free_for_holders_of = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="makes_free",
        help_text="Free for whoever holds one of these, e.g. a Highlight Week pass for congress registrants.",
    )
    available_from = models.DateTimeField(null=True, blank=True, help_text="Sales open; empty: now.")
    available_until = models.DateTimeField(null=True, blank=True, help_text="Sales close; empty: never.")
    grants_live = models.BooleanField(default=True, help_text="Holders may watch live streams.")
    grants_on_demand = models.BooleanField(default=True, help_text="Holders may watch recordings.")
    on_demand_until = models.DateTimeField(
        null=True, blank=True, help_text="Recordings stay open until then; empty: the event's own date."
    )
    offer_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long a seat offered to the next person on the waitlist stays reserved."
    )
    is_active = models.BooleanField(default=True, help_text="Inactive products are not sold.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="product_never_oversold",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ProductKind.MEMBERSHIP_FEE) | Q(membership_type__isnull=False),
                name="membership_fee_names_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # seats_taken moves only through capacity.py's conditional UPDATEs: saving an instance read a moment
        # ago (an admin form while buyers check out) must not write back a stale count.
        super().save(*args, **save_kwargs_without(self, kwargs, ("seats_taken",)))

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)


class Price(models.Model):
    """What a product costs holders of one membership type (or everyone: no type) inside a date window.

    The buyer pays the lowest price that applies to them now: their active memberships' prices and the price
    for everyone, whose window holds the moment of ordering.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    membership_type = models.ForeignKey(
        "memberships.MembershipType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prices",
        help_text="Empty: the price for everyone (non-members).",
    )
    window = models.CharField(max_length=20, choices=PriceWindow.choices, default=PriceWindow.REGULAR)
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from the start of sales.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until sales close.")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["product", "starts_at", "membership_type", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="price_window_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="price_not_negative"),
        ]

    def __str__(self) -> str:
        who = self.membership_type or "everyone"
        return f"{self.product} · {who} · {self.get_window_display()} · {self.amount}"


class Voucher(models.Model):
    """A code that lowers the price: a percentage, a fixed amount or all of it; limited uses, an expiry."""

    code = models.CharField(max_length=40, unique=True, help_text="Stored in capitals; buyers type any case.")
    event = models.ForeignKey(
        "programme.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="vouchers"
    )
    products = models.ManyToManyField(
        Product, blank=True, related_name="vouchers", help_text="Empty: every product of its event."
    )
    kind = models.CharField(max_length=20, choices=VoucherKind.choices)
    value = models.DecimalField(
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
        help_text="Percent off (0 to 100) or the amount off; ignored for free vouchers.",
    )
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    times_used = models.PositiveIntegerField(default=0, editable=False)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    comment = models.CharField(max_length=200, blank=True, help_text="For staff: who it is for.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(times_used__lte=F("max_uses")),
                name="voucher_never_overused",
            ),
            models.CheckConstraint(
                condition=~Q(kind=VoucherKind.PERCENTAGE) | Q(value__lte=100),
                name="voucher_percentage_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class CartItem(models.Model):
    """A product a signed-in buyer means to order; checkout turns the cart into an order."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="cart_product_once")]

    def __str__(self) -> str:
        return f"{self.product} · {self.user}"


def order_code() -> str:
    # Short enough to read out on the phone and to write on a bank transfer; no 0/O or 1/I confusion.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Order(models.Model):
    """One checkout by one buyer: its items, what they pay, how, and where it stands.

    The buyer's details are copied at checkout: the invoice shows them as they were, whatever the profile
    says later. Pending orders hold their seats until `expires_at`; then they expire and release them.
    """

    code = models.CharField(max_length=12, unique=True, default=order_code, editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    currency = models.CharField(max_length=3, default="EUR")
    total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    voucher = models.ForeignKey(
        Voucher, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    payment_provider = models.CharField(max_length=30, choices=PaymentProviderCode.choices)
    buyer_name = models.CharField(max_length=200)
    buyer_email = models.EmailField()
    buyer_organisation = models.CharField(max_length=200, blank=True)
    buyer_address = models.TextField(blank=True)
    buyer_country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    buyer_vat_id = models.CharField(max_length=20, blank=True, help_text="EU VAT number of a business buyer.")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="A pending order expires then.")
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was cancelled or refunded; the buyer reads it.")

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def total_display(self) -> str:
        return money_display(self.total, self.currency)


class OrderItem(models.Model):
    """One product in an order, with the price the buyer pays for it and the VAT inside that price."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_items")
    price_label = models.CharField(max_length=200, help_text="Which price applied, e.g. “Early, members”.")
    list_amount = models.DecimalField(**MONEY, help_text="The price before any voucher or free rule.")
    discount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    amount = models.DecimalField(**MONEY, help_text="What the buyer pays for it, VAT included.")
    vat_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"), help_text="Percent, e.g. 20.00."
    )
    vat_amount = models.DecimalField(**MONEY, default=Decimal("0.00"))
    tax_note = models.CharField(
        max_length=200, blank=True, help_text="Printed on the invoice, e.g. “Reverse charge”."
    )
    holds_seat = models.BooleanField(
        default=False, help_text="Counted in its product's seats_taken; released exactly once."
    )
    membership = models.ForeignKey(
        "memberships.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_items",
        help_text="For a membership fee: the membership it pays.",
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_product_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_item_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.order}"

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.vat_amount


class Payment(models.Model):
    """A payment of an order through one provider: free, or a bank transfer that staff confirm."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    provider = models.CharField(max_length=30, choices=PaymentProviderCode.choices)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    reference = models.CharField(max_length=200, blank=True, help_text="Bank reference, provider's id.")
    created = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} · {self.order}"


class InvoiceSequence(models.Model):
    """The last number given to an invoice (or credit note) of a year: numbers run 1, 2, 3 … without gaps.

    Taken inside the issuing transaction with a row lock (an UPDATE … SET last_number = last_number + 1), so a
    rolled-back checkout gives its number back and two checkouts never share one.
    """

    kind = models.CharField(max_length=20, choices=InvoiceKind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="one_sequence_per_kind_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.last_number}"


class InvoiceStorage(PrivateFileStorage):
    """Issued invoice PDFs: only their buyer and staff may read them."""


class Invoice(models.Model):
    """An invoice or credit note as issued: numbered, with seller, buyer and lines copied at issue.

    Never changed after issue (the law requires it); a correction is a credit note that names the invoice it
    cancels. Kept when the buyer deletes their account.
    """

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField(max_length=30, unique=True, help_text="e.g. 2026-00042 or CN-2026-00003.")
    issued_at = models.DateTimeField()
    seller = models.JSONField(help_text="Name, address, VAT number … as printed.")
    buyer = models.JSONField(help_text="Name, organisation, address, country, VAT number … as printed.")
    lines = models.JSONField(help_text="Description, amount, VAT rate, VAT, net … per line, as printed.")
    currency = models.CharField(max_length=3)
    net_total = models.DecimalField(**MONEY)
    vat_total = models.DecimalField(**MONEY)
    gross_total = models.DecimalField(**MONEY)
    credits = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
        help_text="For a credit note: the invoice it corrects.",
    )
    reason = models.TextField(blank=True, help_text="For a credit note: why.")
    pdf = models.FileField(storage=InvoiceStorage, upload_to="invoices/", blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "sequence"], name="invoice_number_once"),
            models.CheckConstraint(
                condition=Q(kind=InvoiceKind.INVOICE) | Q(credits__isnull=False),
                name="credit_note_names_invoice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs):
        # An issued invoice is a legal document: it is inserted once (invoices.py) and never updated.
        if not self._state.adding:
            raise ValueError(f"{self} was issued and cannot be changed; issue a credit note instead.")
        super().save(*args, **kwargs)


class WaitlistEntry(models.Model):
    """A person waiting for a seat of a full product, in the order they joined.

    When a seat is freed it stays held and is offered to the first person waiting until `offer_expires_at`;
    they take it by ordering the product, or the offer moves on to the next.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    status = models.CharField(max_length=20, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING)
    joined_at = models.DateTimeField(auto_now_add=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.UniqueConstraint(
                fields=["product", "user"],
                condition=Q(status__in=OPEN_WAITLIST_STATUSES),
                name="one_open_waitlist_entry_per_product",
                violation_error_message="You are already on this waitlist.",
            )
        ]
        indexes = [models.Index(fields=["product", "status", "joined_at"])]

    def __str__(self) -> str:
        return f"{self.product} · {self.user} · {self.get_status_display()}"


class Entitlement(models.Model):
    """What one user may watch: an event, a session type, a single session or an e-learning catalogue; live
    and/or on demand; from `valid_from` until `valid_until` (empty: open-ended).

    Granted by a paid order (its item), by an active membership (its type's benefits) or by staff; withdrawn
    by setting `revoked_at`, never by deleting, so "My access" and the staff can see what happened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlements")
    source = models.CharField(max_length=20, choices=EntitlementSource.choices)
    order_item = models.ForeignKey(
        OrderItem, null=True, blank=True, on_delete=models.CASCADE, related_name="entitlements"
    )
    membership = models.ForeignKey(
        "memberships.Membership", null=True, blank=True, on_delete=models.CASCADE, related_name="entitlements"
    )
    scope = models.CharField(max_length=20, choices=EntitlementScope.choices)
    event = models.ForeignKey(
        "programme.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="entitlements"
    )
    session_type = models.ForeignKey(
        "programme.SessionType", null=True, blank=True, on_delete=models.CASCADE, related_name="entitlements"
    )
    session = models.ForeignKey(
        "programme.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="entitlements"
    )
    catalogue = models.CharField(
        max_length=200, blank=True, help_text="For an e-learning catalogue, e.g. education-on-demand."
    )
    live = models.BooleanField(default=True)
    on_demand = models.BooleanField(default=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope=EntitlementScope.EVENT, event__isnull=False)
                    | Q(scope=EntitlementScope.SESSION_TYPE, session_type__isnull=False)
                    | Q(scope=EntitlementScope.SESSION, session__isnull=False)
                    | (Q(scope=EntitlementScope.CATALOGUE) & ~Q(catalogue=""))
                ),
                name="entitlement_names_its_content",
            ),
            models.CheckConstraint(
                condition=Q(live=True) | Q(on_demand=True), name="entitlement_opens_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} · {self.user}"
