"""How the API reads registration requests and shows products, orders and entitlements. Serializers only
parse and format: the views call the services and selectors.

Money is a string with two decimals in the order's or product's currency ("11.00"), VAT included; times are
ISO 8601 in UTC. An order shows the buyer's details as they were copied at checkout.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rostrum.registration.enums import OrderStatus, PaymentProviderCode
from rostrum.registration.models import MONEY, Entitlement, Invoice, Order, money_display
from rostrum.registration.pricing import Quote


def money() -> serializers.DecimalField:
    return serializers.DecimalField(**MONEY, help_text="VAT included, e.g. 11.00.")


def absolute(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


def slug_of(obj) -> str | None:
    return obj.slug if obj is not None else None


# Input


class ProductFilterSerializer(serializers.Serializer):
    event = serializers.SlugField(help_text="The slug of a published event.")


class BuyerSerializer(serializers.Serializer):
    """The buyer's details for the invoice; empty values are taken from the profile."""

    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-2, e.g. AT."
    )
    vat_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="EU VAT number of a business buyer."
    )
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class OrderPlaceSerializer(serializers.Serializer):
    products = serializers.ListField(
        child=serializers.SlugField(max_length=80),
        min_length=1,
        max_length=50,
        help_text="Codes of the products to order, each once.",
    )
    voucher = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    payment_provider = serializers.ChoiceField(
        choices=PaymentProviderCode.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="bank_transfer, or free for an order that costs nothing; empty: chosen from the total.",
    )
    buyer = BuyerSerializer(required=False)


class AccessQuerySerializer(serializers.Serializer):
    event = serializers.SlugField(help_text="The slug of a published event.")
    session = serializers.SlugField(help_text="The slug of one of its sessions.")


class StaffOrderFilterSerializer(serializers.Serializer):
    """The filters of the staff's order list; an empty value means all."""

    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    event = serializers.SlugField(required=False, help_text="Orders with a product of this event (its slug).")
    product = serializers.SlugField(required=False, help_text="Orders of this product (its code).")
    q = serializers.CharField(max_length=200, required=False, help_text="An order code or part of an e-mail.")


class MarkPaidSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="The bank's reference."
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="The buyer reads it."
    )


class RefundSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the order is refunded; the buyer reads it."
    )


# Output


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words the buyer understands.")
    field = serializers.CharField(
        allow_null=True, help_text='The input it is about, e.g. "voucher" or "buyer.country"; null: none.'
    )


class QuoteSerializer(serializers.Serializer):
    """A product with the price the signed-in visitor would pay now (signed out: the price for everyone)."""

    code = serializers.CharField(source="product.code")
    name = serializers.CharField(source="product.name")
    kind = serializers.CharField(
        source="product.kind",
        help_text="congress_registration, highlight_week_pass, course_ticket, workshop_seat, membership_fee.",
    )
    description = serializers.CharField(source="product.description")
    event = serializers.SerializerMethodField(help_text="The slug of the product's event.")
    session = serializers.SerializerMethodField(help_text="The slug of the session it opens, if one.")
    currency = serializers.CharField(source="product.currency")
    amount = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Your price now, VAT included; null when no price applies to you."
    )
    amount_display = serializers.SerializerMethodField(help_text='e.g. "€11.00"; empty when no price.')
    label = serializers.CharField(help_text='Which price it is, e.g. "Early · Full Membership".')
    available = serializers.BooleanField(help_text="Whether you can order it now.")
    reason = serializers.CharField(help_text="Why not, when it is not available.")
    sold_out = serializers.BooleanField(help_text="No seat left: the waitlist is open.")
    capacity = serializers.IntegerField(source="product.capacity", allow_null=True)
    seats_left = serializers.IntegerField(source="product.seats_left", allow_null=True)
    available_from = serializers.DateTimeField(source="product.available_from", allow_null=True)
    available_until = serializers.DateTimeField(source="product.available_until", allow_null=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_event(self, quote: Quote) -> str | None:
        return slug_of(quote.product.event)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_session(self, quote: Quote) -> str | None:
        return slug_of(quote.product.session)

    def get_amount_display(self, quote: Quote) -> str:
        return "" if quote.amount is None else money_display(quote.amount, quote.product.currency)


class OrderItemSerializer(serializers.Serializer):
    product = serializers.CharField(source="product.code", help_text="The product's code.")
    name = serializers.CharField(source="product.name")
    price_label = serializers.CharField(help_text="Which price applied.")
    list_amount = money()
    discount = money()
    amount = money()
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Percent, e.g. 20.00.")
    vat_amount = money()
    tax_note = serializers.CharField()


class InvoiceLinkSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="e.g. 2026-00042, or CN-2026-00003 for a credit note.")
    kind = serializers.CharField(help_text="invoice or credit_note.")
    issued_at = serializers.DateTimeField()
    gross_total = money()
    pdf = serializers.SerializerMethodField(help_text="The PDF, for the buyer and staff.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf(self, invoice: Invoice) -> str:
        return absolute(self.context, f"/account/invoices/{invoice.number}.pdf")


class OrderBuyerSerializer(serializers.Serializer):
    name = serializers.CharField(source="buyer_name")
    email = serializers.EmailField(source="buyer_email")
    organisation = serializers.CharField(source="buyer_organisation")
    address = serializers.CharField(source="buyer_address")
    country = serializers.CharField(source="buyer_country")
    vat_id = serializers.CharField(source="buyer_vat_id")


class OrderSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The order's reference, also for a bank transfer.")
    status = serializers.CharField(help_text="pending, paid, cancelled, expired or refunded.")
    status_display = serializers.CharField(source="get_status_display")
    currency = serializers.CharField()
    total = money()
    total_display = serializers.CharField(help_text='e.g. "€11.00".')
    payment_provider = serializers.CharField(help_text="free or bank_transfer.")
    voucher = serializers.SerializerMethodField(help_text="The voucher's code, if one was used.")
    buyer = OrderBuyerSerializer(source="*", help_text="As copied at checkout.")
    items = OrderItemSerializer(many=True)
    invoices = InvoiceLinkSerializer(many=True, help_text="Invoices and credit notes, in order of issue.")
    created = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True, help_text="A pending order expires then.")
    paid_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    refunded_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(help_text="Why it was cancelled or refunded.")
    url = serializers.SerializerMethodField(help_text="The buyer's page of the order.")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_voucher(self, order: Order) -> str | None:
        return order.voucher.code if order.voucher_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, order: Order) -> str:
        return absolute(self.context, f"/account/orders/{order.code}/")


class EntitlementSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    source = serializers.CharField(help_text="order, membership or staff.")
    scope = serializers.CharField(help_text="event, session_type, session or catalogue.")
    scope_display = serializers.CharField(source="get_scope_display")
    event = serializers.SerializerMethodField(help_text="The event's slug (scope event, or a session's).")
    session_type = serializers.SerializerMethodField(
        help_text="The session type's slug (scope session_type)."
    )
    session = serializers.SerializerMethodField(help_text="The session's slug (scope session).")
    catalogue = serializers.CharField(help_text="The e-learning catalogue (scope catalogue).")
    live = serializers.BooleanField(help_text="Opens live streams.")
    on_demand = serializers.BooleanField(help_text="Opens recordings.")
    valid_from = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True, help_text="null: open-ended.")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_event(self, entitlement: Entitlement) -> str | None:
        if entitlement.event_id:
            return entitlement.event.slug
        return entitlement.session.event.slug if entitlement.session_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_session_type(self, entitlement: Entitlement) -> str | None:
        return slug_of(entitlement.session_type) if entitlement.session_type_id else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_session(self, entitlement: Entitlement) -> str | None:
        return slug_of(entitlement.session) if entitlement.session_id else None


class AccessSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField(help_text='e.g. "Sign in to watch", "Staff access", what to buy.')
    mode = serializers.CharField(allow_null=True, help_text="live, on_demand, or null when not allowed.")
