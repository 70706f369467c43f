"""What the society sells, kept as data: products with their prices, and vouchers, created or updated by code.

Used by loaders (the demo's products) and by staff tools that keep a catalogue in a file; orders never call
these. Prices are replaced whole on each update: an order item keeps its own copy of what was paid, so no
row points at a price.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from rostrum.core.services import activity_log
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Price, Product, Voucher

PRODUCT_FIELDS = (
    "event",
    "kind",
    "name",
    "description",
    "currency",
    "vat_category",
    "capacity",
    "session",
    "membership_type",
    "available_from",
    "available_until",
    "grants_live",
    "grants_on_demand",
    "on_demand_until",
    "offer_hours",
    "is_active",
    "position",
)
PRICE_FIELDS = ("membership_type", "window", "starts_at", "ends_at", "amount")
VOUCHER_FIELDS = ("event", "kind", "value", "max_uses", "valid_until", "is_active", "comment")


def _full_clean(row, *, exclude=None) -> None:
    try:
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise RegistrationError(f"{row}: {field}: {' '.join(messages)}", field=field) from error


@transaction.atomic
def product_update_or_create(
    *, code: str, prices: list[dict], free_for_holders_of=(), by=None, **fields
) -> tuple[Product, bool]:
    """Create or update (by code) a product, replace its prices and the products that make it free; return
    (product, created).

    `prices` is a list of {"amount", "membership_type" (None: everyone), "window", "starts_at", "ends_at"}.
    The seats already taken are kept: a capacity below them is refused. Side effects: saves the product and
    its prices; logs `registration.product.created` or `.updated`.
    """
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise RegistrationError(f"These fields are not part of a product: {', '.join(sorted(unknown))}.")
    product = Product.objects.select_for_update().filter(code=code).first()
    created = product is None
    product = product or Product(code=code)
    for name, value in fields.items():
        setattr(product, name, value)
    if product.capacity is not None and product.seats_taken > product.capacity:
        raise RegistrationError(
            f"{product.code}: {product.seats_taken} seats are taken, more than a capacity of "
            f"{product.capacity}.",
            field="capacity",
        )
    _full_clean(product)
    product.save()
    product.free_for_holders_of.set(free_for_holders_of)
    product.prices.all().delete()
    for entry in prices:
        unknown = set(entry) - set(PRICE_FIELDS)
        if unknown:
            raise RegistrationError(f"These fields are not part of a price: {', '.join(sorted(unknown))}.")
        # A string in a file (“450.00”): money never passes through a float.
        price = Price(product=product, **{**entry, "amount": Decimal(str(entry["amount"]))})
        _full_clean(price, exclude=["product"])
        price.save()
    activity_log(
        action=f"registration.product.{'created' if created else 'updated'}",
        actor=by,
        obj=product,
        data={"code": code, "prices": len(prices)},
    )
    return product, created


@transaction.atomic
def voucher_update_or_create(*, code: str, products=(), by=None, **fields) -> tuple[Voucher, bool]:
    """Create or update (by code, any case) a voucher and the products it applies to (none: every product of
    its event); return (voucher, created). Uses counted so far are kept.

    Side effects: saves the voucher; logs `registration.voucher.created` or `.updated`.
    """
    unknown = set(fields) - set(VOUCHER_FIELDS)
    if unknown:
        raise RegistrationError(f"These fields are not part of a voucher: {', '.join(sorted(unknown))}.")
    code = code.strip().upper()
    voucher = Voucher.objects.select_for_update().filter(code=code).first()
    created = voucher is None
    voucher = voucher or Voucher(code=code)
    for name, value in fields.items():
        setattr(voucher, name, Decimal(str(value)) if name == "value" else value)
    _full_clean(voucher)
    voucher.save()
    voucher.products.set(products)
    activity_log(
        action=f"registration.voucher.{'created' if created else 'updated'}",
        actor=by,
        obj=voucher,
        data={"code": code},
    )
    return voucher, created
