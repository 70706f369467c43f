import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from rostrum.core.models import ActivityLog
from rostrum.registration import orders
from rostrum.registration.enums import OrderStatus, PaymentStatus, WaitlistStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Product
from rostrum.registration.signals import order_ended
from rostrum.registration.tasks import registration_expire
from tests.factories.registration import WaitlistEntryFactory
from tests.registration.orders_support import AT, buyer, priced, workshop

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.ROSTRUM_PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def ended():
    sent = []

    def on_ended(sender, order, status, **kwargs):
        sent.append((status, order.code))

    order_ended.connect(on_ended)
    yield sent
    order_ended.disconnect(on_ended)


def seats(product) -> int:
    return Product.objects.get(pk=product.pk).seats_taken


def test_order_expire_due_expires_unpaid_orders_past_their_time(settings, ended):
    settings.ROSTRUM_ORDER_EXPIRY_HOURS = 24
    seat = workshop(seats=3)
    late = orders.order_place(buyer=buyer(email="late@example.org"), products=[seat], at=AT)
    recent = orders.order_place(buyer=buyer(), products=[seat], at=AT + 2 * HOUR)
    mail.outbox.clear()

    count = orders.order_expire_due(now=AT + 25 * HOUR)

    late.refresh_from_db()
    recent.refresh_from_db()
    assert count == 1
    assert (late.status, late.reason) == (OrderStatus.EXPIRED, "Not paid in time.")
    assert recent.status == OrderStatus.PENDING
    assert seats(seat) == 1
    assert late.items.get().holds_seat is False
    assert late.payments.get().status == PaymentStatus.FAILED
    assert ended == [(OrderStatus.EXPIRED, late.code)]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["late@example.org"], f"Your order {late.code} has expired")
    ]
    assert ActivityLog.objects.filter(action="registration.order.expired", actor=None).count() == 1


def test_order_expire_due_at_the_exact_moment_expires():
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)

    assert orders.order_expire_due(now=order.expires_at - dt.timedelta(seconds=1)) == 0
    assert orders.order_expire_due(now=order.expires_at) == 1


def test_order_expire_due_leaves_paid_cancelled_and_free_orders_alone(staff_user):
    user = buyer()
    paid = orders.order_place(buyer=buyer(), products=[priced()], at=AT)
    orders.order_mark_paid(paid, by=staff_user)
    cancelled = orders.order_place(buyer=user, products=[priced()], at=AT)
    orders.order_cancel(cancelled, by=user)
    free = orders.order_place(buyer=user, products=[priced("0.00")], at=AT)

    assert orders.order_expire_due(now=AT + dt.timedelta(days=365)) == 0

    for order, status in (
        (paid, OrderStatus.PAID),
        (cancelled, OrderStatus.CANCELLED),
        (free, OrderStatus.PAID),
    ):
        order.refresh_from_db()
        assert order.status == status


def test_order_expire_due_twice_releases_seats_once():
    seat = workshop(seats=2)
    orders.order_place(buyer=buyer(), products=[seat], at=AT)
    orders.order_place(buyer=buyer(), products=[seat], at=AT + dt.timedelta(days=30))
    later = AT + dt.timedelta(days=20)

    assert orders.order_expire_due(now=later) == 1
    assert orders.order_expire_due(now=later) == 0
    assert seats(seat) == 1


def test_order_expired_cannot_be_paid_or_cancelled(staff_user):
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)
    orders.order_expire_due(now=order.expires_at)

    with pytest.raises(RegistrationError) as error:
        orders.order_mark_paid(order, by=staff_user)
    assert (
        error.value.message
        == f"Only an order awaiting payment can be marked as paid; order {order.code} is expired."
    )
    with pytest.raises(RegistrationError):
        orders.order_cancel(order, by=order.buyer)


def test_order_pending_past_its_time_may_still_be_paid_before_the_run(staff_user):
    # The transfer arrived a little late but before the expiry run: the seat is still held, so it counts.
    seat = workshop(seats=1)
    order = orders.order_place(buyer=buyer(), products=[seat], at=AT)

    orders.order_mark_paid(order, by=staff_user)

    assert orders.order_expire_due(now=order.expires_at + HOUR) == 0
    assert order.status == OrderStatus.PAID
    assert seats(seat) == 1


def test_order_expired_seat_goes_to_the_first_on_the_waitlist():
    # Waitlist offers run on the clock (offer_hours from now): travel instead of passing `at`.
    seat = workshop(seats=1)
    with time_machine.travel(AT, tick=False):
        order = orders.order_place(buyer=buyer(), products=[seat])
        waiting = WaitlistEntryFactory(product=seat, user=buyer())
    with time_machine.travel(order.expires_at, tick=False):
        orders.order_expire_due()

        waiting.refresh_from_db()
        assert waiting.status == WaitlistStatus.OFFERED
        assert seats(seat) == 1  # held for the person offered it
        assert orders.order_place(buyer=waiting.user, products=[seat]).status == OrderStatus.PENDING
        waiting.refresh_from_db()
        assert waiting.status == WaitlistStatus.ACCEPTED
        assert seats(seat) == 1


def test_registration_expire_command_says_how_many_orders_and_offers_expired():
    seat = workshop(seats=1, offer_hours=48)
    with time_machine.travel(AT, tick=False):
        order = orders.order_place(buyer=buyer(), products=[seat])
        WaitlistEntryFactory(product=seat, user=buyer())
    out = io.StringIO()

    with time_machine.travel(order.expires_at, tick=False):
        call_command("registration_expire", stdout=out)
    assert out.getvalue() == "Orders expired: 1. Waitlist offers expired: 0.\n"

    out = io.StringIO()
    with time_machine.travel(order.expires_at + 49 * HOUR, tick=False):
        call_command("registration_expire", stdout=out)
    assert out.getvalue() == "Orders expired: 0. Waitlist offers expired: 1.\n"


def test_registration_expire_command_now_option_expires_orders():
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)
    out = io.StringIO()

    call_command("registration_expire", "--now", order.expires_at.isoformat(), stdout=out)

    assert out.getvalue() == "Orders expired: 1. Waitlist offers expired: 0.\n"


def test_registration_expire_command_refuses_a_wrong_moment():
    with pytest.raises(CommandError, match="--now must be a moment such as"):
        call_command("registration_expire", "--now", "tomorrow")


def test_registration_expire_task_runs_inline():
    order = orders.order_place(buyer=buyer(), products=[priced()], at=AT)

    result = registration_expire.enqueue(now=order.expires_at.isoformat())

    assert result.return_value == {"orders": 1, "offers": 0}
