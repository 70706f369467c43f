"""Seats of products with a capacity (workshop seats, course places): holding, releasing, and the waitlist.

A seat is held by a conditional UPDATE (`seats_taken = seats_taken + 1 WHERE seats_taken < capacity`): the
database decides which of N racing buyers gets the last seat, on SQLite (one writer at a time) as on
PostgreSQL (the row lock re-checks the condition), and the check constraint `product_never_oversold` is the
last guard.

The waitlist of a sold-out product hands freed seats on in order of joining (`joined_at`, then `pk`). A
released seat is not freed while someone waits: it stays counted in `seats_taken` and is offered to the
first person waiting for `product.offer_hours`. They take it by ordering the product (seat_hold consumes the
offer); when they leave or the offer expires, it moves on to the next person, and only with nobody waiting
is it freed.

Every change to a product's waitlist first locks the product row (SELECT … FOR UPDATE on PostgreSQL; on
SQLite the IMMEDIATE transaction already holds the database's single write lock), so two releases at once
never offer the same seat twice or skip a person, and locks are always taken product first, entry second.
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from rostrum.core.services import activity_log
from rostrum.registration.emails import registration_mail
from rostrum.registration.enums import OPEN_WAITLIST_STATUSES, SEAT_HOLDING_STATUSES, WaitlistStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import OrderItem, Product, WaitlistEntry


def _locked(product: Product) -> Product:
    """The product's row, fresh and locked until the end of the transaction."""
    return Product.objects.select_for_update().get(pk=product.pk)


def _seat_take(product: Product) -> bool:
    held = Product.objects.filter(pk=product.pk, seats_taken__lt=F("capacity")).update(
        seats_taken=F("seats_taken") + 1
    )
    return held == 1


def _product_url(product: Product) -> str:
    return f"{settings.ROSTRUM_BASE_URL}/registration/products/{product.code}/"


def _access_url() -> str:
    return f"{settings.ROSTRUM_BASE_URL}/account/access/"


def seat_hold(product: Product, *, user) -> bool:
    """Hold one seat of `product` for `user` inside the caller's transaction; False when none is left.

    Products without a capacity always have a seat (and hold nothing). A user with an open offer from the
    waitlist takes the seat held for them (entry → accepted, no new seat); a user still waiting who gets a
    seat otherwise (staff added seats) leaves the queue the same way. Call inside `transaction.atomic()`: a
    rollback gives the seat back. Side effects: logs `registration.waitlist.accepted` when an entry closes.
    """
    if product.capacity is None:
        return True
    if (
        user is not None
        and user.pk is not None
        and WaitlistEntry.objects.filter(
            product=product, user=user, status__in=OPEN_WAITLIST_STATUSES
        ).exists()
    ):
        return _seat_hold_from_waitlist(product, user=user)
    return _seat_take(product)


def _seat_hold_from_waitlist(product: Product, *, user) -> bool:
    with transaction.atomic():
        _locked(product)
        entry = WaitlistEntry.objects.filter(
            product=product, user=user, status__in=OPEN_WAITLIST_STATUSES
        ).first()
        if entry is None:  # the offer expired or was withdrawn after the first look
            return _seat_take(product)
        offer_runs = entry.offer_expires_at is None or entry.offer_expires_at > timezone.now()
        if entry.status == WaitlistStatus.OFFERED and offer_runs:
            _entry_accept(entry, by=user, offered=True)
            return True
        held = _seat_take(product)
        # An offer past its time (not yet expired by the task) stays as it is: its seat still counts and
        # the task hands it on, so buying a free seat meanwhile never loses or doubles one.
        if held and entry.status == WaitlistStatus.WAITING:
            _entry_accept(entry, by=user, offered=False)
        return held


def _entry_accept(entry: WaitlistEntry, *, by, offered: bool) -> None:
    entry.status = WaitlistStatus.ACCEPTED
    entry.save(update_fields=["status"])
    activity_log(action="registration.waitlist.accepted", actor=by, obj=entry, data={"offered": offered})


def seat_release(product: Product) -> WaitlistEntry | None:
    """Give back one held seat of `product` inside the caller's transaction.

    With people waiting, the seat stays held and is offered to the first of them (returned); otherwise it is
    freed. Side effects (with an offer): the entry becomes offered until now + `product.offer_hours`; logs
    `registration.waitlist.offered`; e-mails the person (waitlist_offer).
    """
    if product.capacity is None:
        return None
    with transaction.atomic():
        return _seat_pass_on(_locked(product), now=timezone.now())


def _first_waiting(product: Product) -> WaitlistEntry | None:
    return (
        WaitlistEntry.objects.filter(product=product, status=WaitlistStatus.WAITING)
        .select_related("user")
        .order_by("joined_at", "pk")
        .first()
    )


def _seat_pass_on(product: Product, *, now: dt.datetime) -> WaitlistEntry | None:
    """Offer a seat that is no longer anyone's to the first person waiting, or free it. Product locked."""
    if product.seats_taken == 0:  # nothing is held: releasing twice must not make a seat out of nothing
        return None
    entry = _first_waiting(product)
    if entry is None:
        Product.objects.filter(pk=product.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)
        return None
    _offer(entry, product=product, now=now)
    return entry


def _offer(entry: WaitlistEntry, *, product: Product, now: dt.datetime) -> None:
    """Offer `entry` the seat held for it until now + offer_hours; log and tell them. Product locked."""
    entry.status = WaitlistStatus.OFFERED
    entry.offered_at = now
    entry.offer_expires_at = now + dt.timedelta(hours=product.offer_hours)
    entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
    activity_log(
        action="registration.waitlist.offered",
        obj=entry,
        data={"offer_expires_at": entry.offer_expires_at.isoformat()},
    )
    registration_mail(
        "waitlist_offer",
        to=entry.user.email,
        user=entry.user,
        product=product,
        entry=entry,
        product_url=_product_url(product),
        access_url=_access_url(),
    )


def waitlist_offer_free_seats(product: Product) -> list[WaitlistEntry]:
    """Offer free seats to the people waiting, first come first served; return the entries offered one.

    Call it when staff raise a product's capacity: without it a newcomer could take a seat before the people
    who queued for it. Side effects per seat: held (seats_taken + 1) and offered as in seat_release.
    """
    if product.capacity is None:
        return []
    offered = []
    with transaction.atomic():
        product = _locked(product)
        now = timezone.now()
        while product.seats_taken < product.capacity and (entry := _first_waiting(product)) is not None:
            if not _seat_take(product):  # cannot happen under the lock; never offer a seat not held
                break
            product.seats_taken += 1
            _offer(entry, product=product, now=now)
            offered.append(entry)
    return offered


def waitlist_position(entry: WaitlistEntry) -> int | None:
    """Where a waiting entry stands in its queue (1: next to be offered a seat); None when not waiting."""
    if entry.status != WaitlistStatus.WAITING:
        return None
    ahead = WaitlistEntry.objects.filter(product_id=entry.product_id, status=WaitlistStatus.WAITING).filter(
        Q(joined_at__lt=entry.joined_at) | Q(joined_at=entry.joined_at, pk__lt=entry.pk)
    )
    return ahead.count() + 1


def waitlist_join(*, user, product: Product) -> WaitlistEntry:
    """Join the waitlist of a sold-out product (once); return the WaitlistEntry.

    Raises RegistrationError when the user is not signed in, the product has no seat limit, is not on sale,
    still has seats, is already held by the user (pending or paid order) or the user is already waiting.
    Side effects: saves the entry; logs `registration.waitlist.joined`; e-mails the person (waitlist_joined)
    with their place in the queue.
    """
    if user is None or not user.is_authenticated:
        raise RegistrationError("Please sign in to join the waitlist.")
    if product.capacity is None:
        raise RegistrationError(
            f"{product.name} has no seat limit, so there is no waitlist: order it instead."
        )
    if not product.is_active or (product.available_until and product.available_until <= timezone.now()):
        raise RegistrationError(f"{product.name} is not on sale, so there is no waitlist to join.")
    with transaction.atomic():
        product = _locked(product)
        held = (
            OrderItem.objects.filter(
                product=product, order__buyer=user, order__status__in=SEAT_HOLDING_STATUSES
            )
            .select_related("order")
            .first()
        )
        if held is not None:
            raise RegistrationError(f"You already hold {product.name} (order {held.order.code}).")
        if product.seats_taken < product.capacity:
            raise RegistrationError(f"{product.name} still has seats left: order one instead of waiting.")
        if WaitlistEntry.objects.filter(
            product=product, user=user, status__in=OPEN_WAITLIST_STATUSES
        ).exists():
            raise RegistrationError("You are already on this waitlist.")
        try:
            with transaction.atomic():
                entry = WaitlistEntry.objects.create(product=product, user=user)
        except IntegrityError as error:  # the partial unique constraint: a second request raced the check
            raise RegistrationError("You are already on this waitlist.") from error
        position = waitlist_position(entry)
        activity_log(
            action="registration.waitlist.joined", actor=user, obj=entry, data={"position": position}
        )
        registration_mail(
            "waitlist_joined",
            to=user.email,
            user=user,
            product=product,
            entry=entry,
            position=position,
            access_url=_access_url(),
        )
    return entry


def waitlist_leave(entry: WaitlistEntry, *, by) -> WaitlistEntry:
    """Take `entry` off its waitlist (the person themselves or staff) and return it, now left.

    An open offer moves on to the next person waiting (or its seat is freed), as in seat_release. Raises
    RegistrationError for anyone else or an entry no longer open. Side effects: logs
    `registration.waitlist.left` (and `.offered` with its e-mail when the seat moves on).
    """
    is_staff = bool(by is not None and getattr(by, "is_staff", False))
    if by is None or not (is_staff or by.pk == entry.user_id):
        raise RegistrationError("Only the person waiting or staff may take someone off a waitlist.")
    with transaction.atomic():
        product = _locked(entry.product)
        entry.refresh_from_db()
        if entry.status not in OPEN_WAITLIST_STATUSES:
            raise RegistrationError(
                f"This place on the waitlist is already closed ({entry.get_status_display().lower()})."
            )
        was_offered = entry.status == WaitlistStatus.OFFERED
        entry.status = WaitlistStatus.LEFT
        entry.save(update_fields=["status"])
        activity_log(
            action="registration.waitlist.left",
            actor=by,
            obj=entry,
            data={"had_offer": was_offered, "by_staff": by.pk != entry.user_id},
        )
        if was_offered:
            _seat_pass_on(product, now=timezone.now())
    return entry


def waitlist_offer_expire_due(*, now=None) -> int:
    """Offers past their time expire and move on to the next person; return how many expired.

    Each offer expires in its own transaction. Side effects per offer: the entry becomes expired; logs
    `registration.waitlist.expired`; e-mails the person (waitlist_offer_expired); the seat is offered to
    the next person waiting from `now` on (see seat_release), or freed.
    """
    now = now or timezone.now()
    due = WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED, offer_expires_at__lte=now)
    expired = 0
    for pk, product_id in due.order_by("offer_expires_at", "pk").values_list("pk", "product_id"):
        with transaction.atomic():
            product = Product.objects.select_for_update().get(pk=product_id)
            # Re-checked under the lock: the person may have taken the seat or left since the first look.
            if not due.filter(pk=pk).update(status=WaitlistStatus.EXPIRED):
                continue
            entry = WaitlistEntry.objects.select_related("user").get(pk=pk)
            activity_log(
                action="registration.waitlist.expired",
                obj=entry,
                data={"offer_expires_at": entry.offer_expires_at.isoformat()},
            )
            registration_mail(
                "waitlist_offer_expired",
                to=entry.user.email,
                user=entry.user,
                product=product,
                entry=entry,
                product_url=_product_url(product),
            )
            _seat_pass_on(product, now=now)
            expired += 1
    return expired
