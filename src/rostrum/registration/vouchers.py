"""Vouchers: codes that lower the price of an order. Used by orders.py at checkout.

- A code is case-insensitive (stored in capitals); an inactive or expired voucher is refused.
- A voucher applies to its `products`, or when it names none to every product of its event (no event:
  every product). An order whose products it does not cover is refused; in an order with other products
  too, it lowers only the ones it covers.
- Percentage: that share of each covered item. Fixed: the amount off the order once, taken from the covered
  items in their order and never below 0. Free: covered items cost nothing.
- `max_uses` counts orders. A use is taken by a conditional UPDATE (`times_used + 1 WHERE times_used <
  max_uses`), so N buyers racing for the last use cannot all get it; it is given back when the order is
  cancelled or expires (not when it is refunded: the voucher did its work).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q
from django.utils import dateformat, timezone

from rostrum.registration.enums import VoucherKind
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Product, Voucher

CENT = Decimal("0.01")


def _refuse(message: str) -> RegistrationError:
    return RegistrationError(message, field="voucher")


def voucher_find(code: str, *, at: dt.datetime) -> Voucher | None:
    """The voucher of `code` if it can be used at `at`; None for an empty code; else RegistrationError."""
    code = (code or "").strip().upper()
    if not code:
        return None
    voucher = Voucher.objects.filter(code=code).prefetch_related("products").first()
    if voucher is None:
        raise _refuse(f"There is no voucher “{code}”; please check the code.")
    if not voucher.is_active:
        raise _refuse(f"The voucher “{code}” is no longer valid.")
    if voucher.valid_until and at >= voucher.valid_until:
        local = timezone.localtime(voucher.valid_until)
        raise _refuse(f"The voucher “{code}” expired on {dateformat.format(local, 'j F Y')}.")
    if voucher.max_uses is not None and voucher.times_used >= voucher.max_uses:
        raise _refuse(f"The voucher “{code}” has been used up.")
    return voucher


def voucher_covers(voucher: Voucher, product: Product) -> bool:
    products = voucher.products.all()
    if products:
        return product in products
    return voucher.event_id is None or product.event_id == voucher.event_id


def voucher_discounts(voucher: Voucher, lines: list[tuple[Product, Decimal]]) -> list[Decimal]:
    """The discount of each (product, amount) line; RegistrationError when the voucher covers none of them."""
    covered = [voucher_covers(voucher, product) for product, _amount in lines]
    if not any(covered):
        names = ", ".join(product.name for product, _amount in lines)
        raise _refuse(f"The voucher “{voucher.code}” does not apply to {names}.")
    discounts = []
    fixed_left = voucher.value
    for (_product, amount), applies in zip(lines, covered, strict=True):
        if not applies:
            discounts.append(Decimal("0.00"))
        elif voucher.kind == VoucherKind.FREE:
            discounts.append(amount)
        elif voucher.kind == VoucherKind.PERCENTAGE:
            discounts.append(
                min((amount * voucher.value / 100).quantize(CENT, rounding=ROUND_HALF_UP), amount)
            )
        else:
            off = min(fixed_left, amount)
            fixed_left -= off
            discounts.append(off)
    return discounts


def voucher_use(voucher: Voucher) -> None:
    """Take one use of `voucher` inside the caller's transaction (a rollback gives it back).

    RegistrationError when the last use went to someone else meanwhile.
    """
    taken = (
        Voucher.objects.filter(pk=voucher.pk)
        .filter(Q(max_uses__isnull=True) | Q(times_used__lt=F("max_uses")))
        .update(times_used=F("times_used") + 1)
    )
    if taken != 1:
        raise _refuse(f"The voucher “{voucher.code}” has been used up.")


def voucher_give_back(voucher: Voucher) -> None:
    """Give back the use an order took (it was cancelled or expired), inside the caller's transaction."""
    Voucher.objects.filter(pk=voucher.pk, times_used__gt=0).update(times_used=F("times_used") - 1)
