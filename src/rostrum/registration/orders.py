"""Carts and orders: checkout, payment, cancellation, refunds and expiry.

An order's life: `order_place` creates it pending (a bank transfer awaits the money until `expires_at`) or
paid at once (it costs nothing). Pending: staff mark it paid when the transfer arrives (`order_mark_paid`),
the buyer or staff cancel it (`order_cancel`), or it expires (`order_expire_due`, run by the command
`registration_expire`). Paid: staff may refund it (`order_refund`). Each step e-mails the buyer, logs an
activity row and, when the order is paid or ends, sends `order_paid` or `order_ended`.

Every step runs in one transaction with the order row locked, so two staff clicks, or a click racing the
expiry run, act once: seats and voucher uses are given back exactly once.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_countries import countries

from rostrum.core.services import activity_log
from rostrum.memberships.enums import OPEN_STATUSES, MembershipStatus
from rostrum.memberships.errors import MembershipError
from rostrum.memberships.models import Membership, MembershipType
from rostrum.memberships.services import membership_cancel, membership_record_payment
from rostrum.registration import capacity, entitlements, invoices, payments, taxes, vouchers
from rostrum.registration.emails import registration_mail
from rostrum.registration.enums import (
    InvoiceKind,
    OrderStatus,
    PaymentProviderCode,
    PaymentStatus,
    ProductKind,
    VatCategory,
)
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import CartItem, Order, OrderItem, Price, Product, money_display
from rostrum.registration.pricing import Quote, product_quote, products_for_checkout, quotes_for
from rostrum.registration.signals import order_ended, order_paid

BUYER_DETAILS = ("name", "email", "country", "vat_id", "organisation", "address")
ZERO = Decimal("0.00")


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _is_staff(user) -> bool:
    return bool(_signed_in(user) and user.is_staff)


def _status(order: Order) -> str:
    return order.get_status_display().lower()


def _unavailable(quote: Quote, *, field: str) -> RegistrationError:
    if quote.sold_out and quote.amount is not None:
        return RegistrationError(f"{quote.product.name} is sold out: join the waitlist.", field=field)
    return RegistrationError(f"{quote.product.name}: {quote.reason}", field=field)


def _refuse_membership_fee(product: Product, *, field: str) -> None:
    # A fee paid without its membership would activate nothing: it is ordered from the membership's page.
    if product.kind == ProductKind.MEMBERSHIP_FEE:
        raise RegistrationError(
            f"{product.name} is paid from your membership page (My memberships).", field=field
        )


# Cart ------------------------------------------------------------------------------------------------------


@transaction.atomic
def cart_add(*, user, product):
    """Put `product` in the user's cart (once); returns the CartItem. RegistrationError if it cannot be
    bought.

    Side effects: saves the CartItem; logs `registration.cart.added` when it was not there yet.
    """
    if not _signed_in(user):
        raise RegistrationError("Please sign in to order.")
    _refuse_membership_fee(product, field="product")
    quote = product_quote(product, user=user)
    if not quote.available:
        raise _unavailable(quote, field="product")
    item, created = CartItem.objects.get_or_create(user=user, product=product)
    if created:
        activity_log(action="registration.cart.added", actor=user, obj=product)
    return item


@transaction.atomic
def cart_remove(*, user, product) -> None:
    """Take `product` out of the user's cart (nothing happens when it is not there).

    Side effects: deletes the CartItem; logs `registration.cart.removed`.
    """
    deleted, _ = CartItem.objects.filter(user=user, product=product).delete()
    if deleted:
        activity_log(action="registration.cart.removed", actor=user, obj=product)


# Checkout --------------------------------------------------------------------------------------------------


def _products(buyer, products, *, memberships: dict) -> list[Product]:
    """The products to order, read afresh with their prices: those given (objects or codes) or the cart's;
    each once, in one currency; membership fees only for the memberships they pay."""
    if products is None:
        products = list(CartItem.objects.filter(user=buyer).values_list("product_id", flat=True))
    codes = [p for p in products if isinstance(p, str)]
    pks = [p if isinstance(p, int) else p.pk for p in products if not isinstance(p, str)]
    found = products_for_checkout(codes=codes, pks=pks) if products else {}
    resolved = []
    for given in products:
        key = given if isinstance(given, str | int) else given.pk
        if key not in found:
            raise RegistrationError(f"There is no product “{given}”.", field="products")
        product = found[key]
        if any(p.pk == product.pk for p in resolved):
            raise RegistrationError(
                f"{product.name} is in the order twice; each product is ordered once.", field="products"
            )
        resolved.append(product)
    if not resolved:
        raise RegistrationError("Your cart is empty: add what you want to order first.", field="products")
    for product in resolved:
        if product.pk not in memberships:
            _refuse_membership_fee(product, field="products")
    if len({product.currency for product in resolved}) > 1:
        raise RegistrationError("Products in different currencies are ordered separately.", field="products")
    return resolved


def _buyer_details(buyer, details: dict | None) -> dict[str, str]:
    """The buyer's details as the order keeps them: those given, else the profile's; checked."""
    details = details or {}
    unknown = set(details) - set(BUYER_DETAILS)
    if unknown:
        raise RegistrationError(f"Unknown buyer details: {', '.join(sorted(unknown))}.", field="buyer")
    profile_country = buyer.country.code if buyer.country else ""
    country = str(details.get("country") or profile_country).strip().upper()
    if country and not countries.name(country):
        raise RegistrationError(f"“{country}” is not a country code such as AT or DE.", field="country")
    vat_id = "".join(str(details.get("vat_id") or "").split()).upper()
    if vat_id:
        if len(vat_id) > 20 or (country in taxes.vat_rates() and not taxes.vat_id_valid(vat_id)):
            raise RegistrationError(f"{vat_id} is not a valid EU VAT number.", field="vat_id")
        if country in taxes.vat_rates() and taxes.vat_id_country(vat_id) != country:
            raise RegistrationError(
                f"The VAT number {vat_id} is not one of {countries.name(country)}.", field="vat_id"
            )
    name = str(details.get("name") or buyer.display_name).strip()
    organisation = str(details.get("organisation") or buyer.institution or "").strip()
    for label, value in (("name", name), ("organisation", organisation)):
        if len(value) > 200:
            raise RegistrationError(f"The {label} is too long (200 characters at most).", field=label)
    return {
        "buyer_name": name,
        "buyer_email": str(details.get("email") or buyer.email).strip(),
        "buyer_country": country,
        "buyer_vat_id": vat_id,
        "buyer_organisation": organisation,
        "buyer_address": str(details.get("address") or "").strip(),
    }


def order_place(
    *,
    buyer,
    products=None,
    voucher_code: str = "",
    payment_provider: str = "",
    buyer_details: dict | None = None,
    at=None,
):
    """Turn the cart (or `products`) into an order, in one transaction; return it.

    Quotes each product (pricing.product_quote), applies the voucher, computes VAT (taxes.tax_for), holds
    seats (capacity.seat_hold; RegistrationError "sold out" otherwise), records a Payment. A total of 0 is
    paid at once (provider "free"); otherwise the order waits for payment until `expires_at`. Paid: invoice
    (invoices.invoice_issue) and entitlements (entitlements.entitlements_grant_for_order), signal order_paid.
    E-mails the buyer. Empties the cart.

    `products` are Product objects or product codes; `buyer_details` may give name, email, country, vat_id,
    organisation and address (the profile fills what is missing); `payment_provider` is a
    PaymentProviderCode (empty: bank transfer; any choice becomes "free" when nothing is left to pay).
    RegistrationError (with `field`: products, voucher, payment_provider, country, vat_id …) leaves nothing
    written. Side effects: the Order, its items and Payment; a voucher use; held seats; logs
    `registration.order.placed`; e-mail order_placed (pending) or order_paid (free).
    """
    return _place(
        buyer=buyer,
        products=products,
        voucher_code=voucher_code,
        payment_provider=payment_provider,
        buyer_details=buyer_details,
        at=at,
    )


def _admission_in_person(product: Product) -> bool:
    """A congress registration or workshop seat of an event that is not online admits its holder in person."""
    in_person_kinds = (ProductKind.CONGRESS_REGISTRATION, ProductKind.WORKSHOP_SEAT)
    return product.kind in in_person_kinds and product.event is not None and not product.event.is_online


def _loaded(order: Order, relation: str, rows: list) -> None:
    """Give `order` its related rows as prefetch_related would (Django's own prefetch does the same)."""
    queryset = getattr(order, relation).all()
    queryset._result_cache, queryset._prefetch_done = rows, True
    order.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset


def _order_items(quotes, discounts, *, details: dict, memberships: dict) -> list[OrderItem]:
    """The unsaved items of an order: price, voucher discount and the VAT for this buyer."""
    items = []
    for quote, discount in zip(quotes, discounts, strict=True):
        product = quote.product
        tax = taxes.tax_for(
            product.vat_category,
            gross=quote.amount - discount,
            buyer_country=details["buyer_country"],
            buyer_vat_id=details["buyer_vat_id"],
            in_person=_admission_in_person(product),
        )
        items.append(
            OrderItem(
                product=product,
                price_label=quote.label[:200],
                list_amount=quote.amount,
                discount=discount,
                amount=tax.amount,
                vat_rate=tax.rate,
                vat_amount=tax.vat,
                tax_note=tax.note,
                holds_seat=product.capacity is not None,
                membership=memberships.get(product.pk),
            )
        )
    return items


def _place(
    *,
    buyer,
    products,
    voucher_code: str = "",
    payment_provider: str = "",
    buyer_details: dict | None = None,
    at=None,
    memberships: dict[int, Membership] | None = None,
) -> Order:
    memberships = memberships or {}
    at = at or timezone.now()
    if not _signed_in(buyer):
        raise RegistrationError("Please sign in to order.")
    products = _products(buyer, products, memberships=memberships)
    details = _buyer_details(buyer, buyer_details)
    with transaction.atomic():
        # One checkout per buyer at a time: a second one (a double click) waits, then sees the first order
        # and is refused, so nobody orders a product twice.
        list(get_user_model().objects.select_for_update().filter(pk=buyer.pk).values_list("pk", flat=True))
        quotes = quotes_for(products, user=buyer, at=at, fresh=True)
        for quote in quotes:
            if not quote.available:
                raise _unavailable(quote, field="products")
        voucher = vouchers.voucher_find(voucher_code, at=at)
        lines = [(quote.product, quote.amount) for quote in quotes]
        discounts = vouchers.voucher_discounts(voucher, lines) if voucher else [ZERO] * len(lines)
        items = _order_items(quotes, discounts, details=details, memberships=memberships)
        total = sum((item.amount for item in items), ZERO)
        provider = payments.provider_choose(payment_provider, total=total)
        order = Order.objects.create(
            buyer=buyer,
            currency=products[0].currency,
            total=total,
            voucher=voucher,
            payment_provider=provider.code,
            expires_at=None
            if provider.pays_at_once
            else at + dt.timedelta(hours=settings.ROSTRUM_ORDER_EXPIRY_HOURS),
            **details,
        )
        for item in items:
            item.order = order
        OrderItem.objects.bulk_create(items)
        if voucher:
            vouchers.voucher_use(voucher)
        # Seats last: on PostgreSQL the product row stays locked until commit, so the shorter the better. In
        # the order of the products' keys, so that two buyers of the same workshops never wait for each other.
        for item in sorted(items, key=lambda item: item.product.pk):
            if item.holds_seat and not capacity.seat_hold(item.product, user=buyer):
                raise RegistrationError(
                    f"{item.product.name} is sold out: join the waitlist.", field="products"
                )
        provider.start(order)
        CartItem.objects.filter(user=buyer, product__in=products).delete()
        # The caller (a page, the API) shows the order at once: it comes with its items, and an order that
        # awaits payment with its (no) invoices, without another query.
        _loaded(order, "items", items)
        if not provider.pays_at_once:
            _loaded(order, "invoices", [])
        activity_log(
            action="registration.order.placed",
            actor=buyer,
            obj=order,
            data={
                "products": [product.code for product in products],
                "total": str(total),
                "voucher": voucher.code if voucher else "",
                "payment_provider": provider.code,
            },
        )
        if provider.pays_at_once:
            _settle_paid(order, by=None, at=at)
        else:
            _mail(order, "order_placed", items=items)
    return order


# Payment ---------------------------------------------------------------------------------------------------


def _settle_paid(order: Order, *, by, at, reference: str = "") -> None:
    """The order is paid: invoice, entitlements, memberships it pays, e-mail, signal. In the caller's
    transaction, on the locked order."""
    order.status = OrderStatus.PAID
    order.paid_at = at
    order.save(update_fields=["status", "paid_at"])
    provider = payments.provider_get(order.payment_provider)
    for payment in order.payments.filter(status=PaymentStatus.PENDING):
        provider.confirm(payment, by=by, reference=reference)
    invoice = invoices.invoice_issue(order, at=at) if order.total > 0 else None
    entitlements.entitlements_grant_for_order(order)
    for item in order.items.filter(membership__isnull=False).select_related("membership__membership_type"):
        try:
            membership_record_payment(item.membership, order_code=order.code)
        except MembershipError as error:
            raise RegistrationError(
                f"Order {order.code} pays a membership fee that cannot be recorded: {error.message} "
                "Refund or cancel the order instead."
            ) from error
    activity_log(
        action="registration.order.paid",
        actor=by,
        obj=order,
        data={"reference": reference, "invoice": invoice.number if invoice else ""},
    )
    _mail(order, "order_paid", invoice=invoice)
    order_paid.send(sender=Order, order=order)


def _lock(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("buyer", "voucher").get(pk=order.pk)


def _refresh(order: Order, locked: Order) -> Order:
    # Callers keep using the object they passed in: it shows the new state too.
    order.refresh_from_db()
    return locked


def order_mark_paid(order, *, by, reference: str = ""):
    """Staff confirm the payment of a pending order (bank transfer): it becomes paid. See order_place.

    A pending order whose time has passed but that the expiry run has not reached yet may still be marked
    paid: its seats are still held. Returns the order. Side effects: status and paid_at; the Payment
    confirmed (with `reference`, e.g. the bank's); the invoice (total > 0); entitlements; memberships paid
    by it become active (memberships.membership_record_payment); logs `registration.order.paid`; e-mail
    order_paid; signal order_paid.
    """
    if not _is_staff(by):
        raise RegistrationError("Only staff may mark an order as paid.")
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.PENDING:
            raise RegistrationError(
                "Only an order awaiting payment can be marked as paid; "
                f"order {locked.code} is {_status(locked)}."
            )
        _settle_paid(locked, by=by, at=timezone.now(), reference=(reference or "").strip())
    return _refresh(order, locked)


# Ending an order -------------------------------------------------------------------------------------------


def _release_seats(order: Order) -> None:
    """Give back the seats the order holds, once: holds_seat says which still count."""
    for item in order.items.filter(holds_seat=True).select_related("product"):
        capacity.seat_release(item.product)
    order.items.filter(holds_seat=True).update(holds_seat=False)


def _end(order: Order, *, by, action: str, template: str, **context) -> None:
    """What every end of an order shares (cancelled, expired, refunded), on the locked order."""
    order.save(update_fields=["status", "reason", "cancelled_at", "refunded_at"])
    _release_seats(order)
    provider = payments.provider_get(order.payment_provider)
    if order.status == OrderStatus.REFUNDED:
        for payment in order.payments.filter(status=PaymentStatus.CONFIRMED):
            provider.refund(payment, by=by, reason=order.reason)
    else:
        # The voucher did not do its work: its use goes back to the next buyer.
        if order.voucher_id:
            vouchers.voucher_give_back(order.voucher)
        for payment in order.payments.filter(status=PaymentStatus.PENDING):
            provider.abandon(payment)
    entitlements.entitlements_revoke_for_order(order, reason=f"Order {order.code} {_status(order)}")
    activity_log(action=action, actor=by, obj=order, data={"reason": order.reason})
    _mail(order, template, **context)
    order_ended.send(sender=Order, order=order, status=order.status)


def order_cancel(order, *, by, reason: str = ""):
    """Cancel a pending order (its buyer or staff): seats are released, nothing is granted.

    Returns the order. A paid order is refunded instead (order_refund). Side effects: status, cancelled_at
    and reason; seats released (a waitlist may be offered them); the voucher use given back; the pending
    Payment failed; logs `registration.order.cancelled`; e-mail order_cancelled; signal order_ended.
    """
    with transaction.atomic():
        locked = _lock(order)
        if not (_is_staff(by) or (_signed_in(by) and by.pk == locked.buyer_id)):
            raise RegistrationError("Only the buyer or staff may cancel an order.")
        if locked.status == OrderStatus.PAID:
            raise RegistrationError(f"Order {locked.code} is paid: staff refund it rather than cancel it.")
        if locked.status != OrderStatus.PENDING:
            raise RegistrationError(
                f"Only an order awaiting payment can be cancelled; order {locked.code} is {_status(locked)}."
            )
        locked.status = OrderStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.reason = (reason or "").strip()
        _end(locked, by=by, action="registration.order.cancelled", template="order_cancelled")
    return _refresh(order, locked)


def order_refund(order, *, by, reason: str):
    """Refund a paid order (staff): credit note, entitlements revoked, seats released, buyer told.

    Returns the order. The money goes back through the order's payment provider (a bank transfer by hand).
    A membership the order paid for is cancelled. Side effects: status, refunded_at and reason; a credit
    note for its invoice (invoices.credit_note_issue); entitlements revoked; seats released; the Payment
    refunded; logs `registration.order.refunded`; e-mail order_refunded; signal order_ended.
    """
    if not _is_staff(by):
        raise RegistrationError("Only staff may refund an order.")
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError("Please give the reason; the buyer reads it.", field="reason")
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.PAID:
            raise RegistrationError(
                f"Only a paid order can be refunded; order {locked.code} is {_status(locked)}."
            )
        locked.status = OrderStatus.REFUNDED
        locked.refunded_at = timezone.now()
        locked.reason = reason
        credit_notes = [
            invoices.credit_note_issue(invoice, by=by, reason=reason)
            for invoice in locked.invoices.filter(kind=InvoiceKind.INVOICE, credit_notes__isnull=True)
        ]
        for item in locked.items.filter(membership__status__in=OPEN_STATUSES).select_related("membership"):
            membership_cancel(
                item.membership, by=by, reason=f"Its fee was refunded (order {locked.code}): {reason}"
            )
        _end(
            locked,
            by=by,
            action="registration.order.refunded",
            template="order_refunded",
            credit_notes=credit_notes,
        )
    return _refresh(order, locked)


def order_expire_due(*, now=None) -> int:
    """Expire pending orders past `expires_at`; release their seats; tell the buyers; return how many.

    Each order in its own transaction, re-checked under its lock (staff may mark it paid meanwhile). Side
    effects per order: as order_cancel, with status expired, logged `registration.order.expired`, e-mail
    order_expired.
    """
    now = now or timezone.now()
    due = list(
        Order.objects.filter(status=OrderStatus.PENDING, expires_at__lte=now).values_list("pk", flat=True)
    )
    count = 0
    for pk in due:
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("buyer", "voucher")
                .filter(pk=pk, status=OrderStatus.PENDING)
                .first()
            )
            if order is None:
                continue
            order.status = OrderStatus.EXPIRED
            order.reason = "Not paid in time."
            _end(order, by=None, action="registration.order.expired", template="order_expired")
        count += 1
    return count


# Memberships -----------------------------------------------------------------------------------------------


def membership_fee_product(membership_type: MembershipType) -> Product:
    """The product `membership-<type code>` that sells the type's annual fee, created the first time; its
    price for everyone follows the type's fee."""
    product, _created = Product.objects.get_or_create(
        code=f"membership-{membership_type.code}",
        defaults={
            "kind": ProductKind.MEMBERSHIP_FEE,
            "membership_type": membership_type,
            "name": f"{membership_type.name}: annual fee",
            "currency": membership_type.currency,
            # A non-profit society's membership fee is not a supply subject to VAT; staff may change it.
            "vat_category": VatCategory.EXEMPT,
            "grants_live": False,
            "grants_on_demand": False,
        },
    )
    price = Price.objects.filter(product=product, membership_type=None, starts_at=None, ends_at=None).first()
    if price is None:
        Price.objects.create(product=product, amount=membership_type.annual_fee)
    elif price.amount != membership_type.annual_fee:
        price.amount = membership_type.annual_fee
        price.save(update_fields=["amount"])
    return product


def membership_fee_order_place(membership, *, by):
    """Order the fee of a membership pending payment (its member); paying it activates the membership.

    Also for the renewal of an active membership the member asked for. Returns the order; the pending order
    already placed for it when there is one. Paid (order_mark_paid), the membership is recorded as paid
    (memberships.membership_record_payment). Side effects: as order_place; creates the product
    `membership-<type code>` and its price the first time.
    """
    if not _signed_in(by) or by.pk != membership.user_id:
        raise RegistrationError("Only the member may order their membership fee.")
    membership_type = membership.membership_type
    if membership_type.is_free:
        raise RegistrationError(f"{membership_type.name} is free of charge; there is nothing to pay.")
    awaiting = membership.status == MembershipStatus.PENDING_PAYMENT or (
        membership.status == MembershipStatus.ACTIVE and membership.renewal_requested_at
    )
    if not awaiting:
        raise RegistrationError("Only a membership waiting for its fee can be paid.")
    with transaction.atomic():
        existing = Order.objects.filter(status=OrderStatus.PENDING, items__membership=membership).first()
        if existing:
            return existing
        product = membership_fee_product(membership_type)
        return _place(
            buyer=membership.user,
            products=[product],
            payment_provider=PaymentProviderCode.BANK_TRANSFER,
            memberships={product.pk: membership},
        )


# E-mail ----------------------------------------------------------------------------------------------------


def _mail(order: Order, template: str, *, items: list[OrderItem] | None = None, **context) -> None:
    """E-mail the buyer from registration/email/<template>_{subject,body}.txt; `items` when at hand."""
    if items is None:
        items = list(order.items.select_related("product"))
    registration_mail(
        template,
        to=order.buyer_email,
        order=order,
        lines=[
            {
                "name": item.product.name,
                "label": item.price_label,
                "amount": money_display(item.amount, order.currency),
                "discount": money_display(item.discount, order.currency) if item.discount else "",
            }
            for item in items
        ],
        order_url=f"{settings.ROSTRUM_BASE_URL}/account/orders/{order.code}/",
        instructions=payments.payment_instructions(order),
        **context,
    )
