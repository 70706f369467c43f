import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from rostrum.accounts.models import User
from rostrum.demo.loader import demo_load
from rostrum.demo.users import demo_users_load
from rostrum.programme.catalogue import session_types_load
from rostrum.programme.models import Event, Session
from rostrum.registration.catalogue import product_update_or_create, voucher_update_or_create
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Price, Product, Voucher
from rostrum.registration.pricing import product_quote
from tests.factories.registration import OrderItemFactory

CONGRESS = "ecr-2020-registration"
HIGHLIGHT_WEEK = "ecr-2020-highlight-week-children-in-focus"
COURSE = "esor-patient-communication-course-2024"
WORKSHOP = "ecr-2020-hands-on-advanced-ultrasound"


def run_demo(*args: str) -> None:
    call_command("demo", "--no-serve", *args, stdout=StringIO())


def prices(code: str) -> set[tuple]:
    """(membership type code or "everyone", window, amount) of a product's prices."""
    return {
        (price.membership_type.code if price.membership_type else "everyone", price.window, price.amount)
        for price in Price.objects.filter(product__code=code).select_related("membership_type")
    }


@pytest.fixture
def unshifted_demo(db):
    session_types_load()
    return {event.slug: event for event in demo_load()}


def test_demo_products_are_the_four_products_of_the_demo_events(unshifted_demo):
    products = Product.objects.select_related("event").order_by("position")

    assert [(p.code, p.kind, p.event.slug) for p in products] == [
        (CONGRESS, "congress_registration", "ecr-2020"),
        (HIGHLIGHT_WEEK, "highlight_week_pass", "ecr-2020-highlight-week-children-in-focus"),
        (COURSE, "course_ticket", "esor-patient-communication-course-2024"),
        (WORKSHOP, "workshop_seat", "ecr-2020"),
    ]
    assert all(p.is_active for p in products)


def test_demo_congress_registration_has_early_regular_and_late_prices_lower_for_members(unshifted_demo):
    amounts = {
        "everyone": ("450.00", "550.00", "650.00"),
        "full-allied": ("200.00", "250.00", "300.00"),
        "in-training-allied": ("100.00", "120.00", "140.00"),
        "corresponding": ("250.00", "300.00", "350.00"),
    }

    assert prices(CONGRESS) == {
        (who, window, Decimal(amount))
        for who, row in amounts.items()
        for window, amount in zip(("early", "regular", "late"), row, strict=True)
    }


def test_demo_congress_price_windows_follow_each_other_in_vienna_time(unshifted_demo):
    vienna = unshifted_demo["ecr-2020"].tz
    windows = {
        price.window: (price.starts_at, price.ends_at)
        for price in Price.objects.filter(product__code=CONGRESS, membership_type=None)
    }

    early_end = dt.datetime(2020, 5, 1, tzinfo=vienna)
    late_start = dt.datetime(2020, 7, 10, tzinfo=vienna)
    assert windows == {
        "early": (None, early_end),
        "regular": (early_end, late_start),
        "late": (late_start, None),
    }


def test_demo_highlight_week_pass_is_free_for_congress_registrants_and_priced_for_others(unshifted_demo):
    highlight_week = Product.objects.get(code=HIGHLIGHT_WEEK)

    assert list(highlight_week.free_for_holders_of.values_list("code", flat=True)) == [CONGRESS]
    assert ("everyone", "regular", Decimal("50.00")) in prices(HIGHLIGHT_WEEK)
    # Sold until its recordings close on 31 December, 23:59 in Vienna.
    assert highlight_week.available_until == dt.datetime(2020, 12, 31, 23, 59, tzinfo=highlight_week.event.tz)


def test_demo_course_ticket_is_free_for_members(unshifted_demo):
    assert prices(COURSE) == {
        ("everyone", "regular", Decimal("80.00")),
        ("full-allied", "regular", Decimal("0.00")),
        ("in-training-allied", "regular", Decimal("0.00")),
        ("corresponding", "regular", Decimal("0.00")),
    }


def test_demo_workshop_seat_has_twelve_seats_of_the_last_advanced_ultrasound_workshop(unshifted_demo):
    workshop = Product.objects.get(code=WORKSHOP)
    last = (
        Session.objects.filter(
            event__slug="ecr-2020", title="Hands-on Workshop: Advanced applications of Ultrasound"
        )
        .order_by("starts_at")
        .last()
    )

    assert (workshop.capacity, workshop.seats_taken, workshop.seats_left) == (12, 0, 12)
    assert workshop.session == last
    assert (workshop.grants_live, workshop.grants_on_demand) == (True, False)
    assert workshop.available_until == last.starts_at


def test_demo_stage_live_still_sells_the_workshop_seat(db):
    run_demo("--stage", "live")
    workshop = Product.objects.get(code=WORKSHOP)

    quote = product_quote(workshop, user=User.objects.get(email="visitor@example.org"))

    assert (quote.available, quote.amount, quote.sold_out) == (True, Decimal("80.00"), False)


def test_demo_voucher_takes_half_of_the_congress_registration_a_hundred_times(unshifted_demo):
    voucher = Voucher.objects.get(code="RADIOGRAPHER50")

    assert (voucher.kind, voucher.value, voucher.max_uses, voucher.times_used) == (
        "percentage",
        Decimal("50.00"),
        100,
        0,
    )
    assert voucher.event == unshifted_demo["ecr-2020"]
    assert list(voucher.products.values_list("code", flat=True)) == [CONGRESS]


def test_demo_stage_before_sells_the_congress_at_the_regular_price_members_pay_less(db):
    run_demo("--stage", "before")
    congress = Product.objects.get(code=CONGRESS)
    member = User.objects.get(email="member@example.org")
    visitor = User.objects.get(email="visitor@example.org")

    member_quote = product_quote(congress, user=member)
    visitor_quote = product_quote(congress, user=visitor)

    assert (visitor_quote.available, visitor_quote.amount) == (True, Decimal("550.00"))
    assert (member_quote.available, member_quote.amount) == (True, Decimal("250.00"))


def test_demo_stage_moves_product_times_by_whole_days_with_their_event(db):
    run_demo("--stage", "before")
    congress = Product.objects.select_related("event").get(code=CONGRESS)
    vienna = congress.event.tz
    late = Price.objects.get(product=congress, membership_type=None, window="late")

    # The late price starts at midnight in Vienna five days before the congress, as in the data.
    assert late.starts_at == dt.datetime.combine(
        congress.event.start_date - dt.timedelta(days=5), dt.time(0), tzinfo=vienna
    )
    assert congress.available_until == dt.datetime.combine(
        congress.event.end_date, dt.time(18), tzinfo=vienna
    )


def test_demo_twice_keeps_one_set_of_products_linked_to_the_new_events(db):
    run_demo()
    counts = (Product.objects.count(), Price.objects.count(), Voucher.objects.count())

    run_demo("--stage", "before")

    assert (Product.objects.count(), Price.objects.count(), Voucher.objects.count()) == counts == (4, 24, 1)
    workshop = Product.objects.get(code=WORKSHOP)
    assert workshop.event == Event.objects.get(slug="ecr-2020")
    assert workshop.session.event == workshop.event
    assert Voucher.objects.get().event == workshop.event


def test_demo_again_keeps_orders_placed_on_its_products(db):
    run_demo()
    workshop = Product.objects.get(code=WORKSHOP)
    item = OrderItemFactory(product=workshop, order__buyer=User.objects.get(email="visitor@example.org"))
    Product.objects.filter(pk=workshop.pk).update(seats_taken=1)

    run_demo("--stage", "live")

    item.refresh_from_db()
    assert item.product == workshop
    workshop.refresh_from_db()
    assert (workshop.seats_taken, workshop.event.slug) == (1, "ecr-2020")


def test_demo_products_load_after_the_demo_users_without_duplicating_membership_types(db):
    demo_users_load()
    session_types_load()
    demo_load(stage="live")

    assert Price.objects.filter(membership_type__code="full-allied").count() == 6


def test_product_update_or_create_refuses_a_capacity_below_the_seats_taken(unshifted_demo):
    workshop = Product.objects.get(code=WORKSHOP)
    Product.objects.filter(pk=workshop.pk).update(seats_taken=5)

    with pytest.raises(RegistrationError) as error:
        product_update_or_create(code=WORKSHOP, prices=[], capacity=4)

    assert error.value.field == "capacity"
    assert Product.objects.get(pk=workshop.pk).capacity == 12


def test_product_update_or_create_refuses_unknown_fields(db):
    with pytest.raises(RegistrationError, match="not part of a product: colour"):
        product_update_or_create(code="x", prices=[], colour="red")


def test_voucher_update_or_create_finds_the_voucher_in_any_case(unshifted_demo):
    voucher, created = voucher_update_or_create(code="radiographer50 ", kind="percentage", value="40")

    assert (created, voucher.code, voucher.value, Voucher.objects.count()) == (False, "RADIOGRAPHER50", 40, 1)
