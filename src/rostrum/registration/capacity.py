"""Seats of products with a capacity (workshop seats, course places): holding, releasing, and the waitlist.

A seat is held by a conditional UPDATE (`seats_taken = seats_taken + 1 WHERE seats_taken < capacity`): the
database decides which of N racing buyers gets the last seat, on SQLite (one writer at a time) as on
PostgreSQL (the row lock re-checks the condition), and the check constraint `product_never_oversold` is the
last guard.
"""

from django.db.models import F

from rostrum.registration.models import Product


def seat_hold(product: Product, *, user) -> bool:
    """Hold one seat of `product` for `user` inside the caller's transaction; False when none is left.

    Products without a capacity always have a seat (and hold nothing). Call inside `transaction.atomic()`: a
    rollback gives the seat back.
    """
    if product.capacity is None:
        return True
    held = Product.objects.filter(pk=product.pk, seats_taken__lt=F("capacity")).update(
        seats_taken=F("seats_taken") + 1
    )
    return held == 1


def seat_release(product: Product) -> None:
    """Give back one held seat of `product` inside the caller's transaction."""
    if product.capacity is None:
        return
    Product.objects.filter(pk=product.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)


# CONTRACT STUBS (helper C replaces them and seat_hold/seat_release above with the waitlist-aware versions).
def waitlist_join(*, user, product):
    """Join the waitlist of a sold-out product (once); return the WaitlistEntry."""
    raise NotImplementedError


def waitlist_leave(entry, *, by):
    """Leave a waitlist (the person or staff); an open offer moves on to the next person."""
    raise NotImplementedError


def waitlist_offer_expire_due(*, now=None) -> int:
    """Offers past their time expire and move on to the next person; return how many expired."""
    raise NotImplementedError
