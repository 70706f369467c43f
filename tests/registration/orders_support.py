"""Helpers shared by the tests of pricing, vouchers, orders and expiry (helper A's modules)."""

import datetime as dt
from decimal import Decimal

from rostrum.memberships.enums import MembershipStatus
from rostrum.registration.enums import OrderStatus, ProductKind
from tests.factories.accounts import UserFactory
from tests.factories.memberships import MembershipFactory, MembershipTypeFactory
from tests.factories.registration import OrderFactory, OrderItemFactory, PriceFactory, ProductFactory

# Early in February 2030: the factories' events (March 2030) are ahead, memberships (2030) are valid.
AT = dt.datetime(2030, 2, 1, 9, 0, tzinfo=dt.UTC)


def priced(amount: str = "100.00", **product_fields):
    """A product with one price for everyone, without dates."""
    product = ProductFactory(**product_fields)
    PriceFactory(product=product, amount=Decimal(amount))
    return product


def workshop(seats: int = 1, amount: str = "50.00", **product_fields):
    return priced(amount, kind=ProductKind.WORKSHOP_SEAT, capacity=seats, **product_fields)


def buyer(**fields):
    return UserFactory(**{"country": "AT", "profession": "radiographer", **fields})


def member_of(user, membership_type=None, **fields):
    """An active membership of `user` covering AT."""
    return MembershipFactory(
        user=user,
        membership_type=membership_type or MembershipTypeFactory(),
        status=fields.pop("status", MembershipStatus.ACTIVE),
        valid_from=dt.date(2030, 1, 1),
        valid_until=dt.date(2030, 12, 31),
        **fields,
    )


def holding(user, product, status=OrderStatus.PAID):
    """An order of `user` holding `product` (paid by default), made directly, not through order_place."""
    order = OrderFactory(buyer=user, status=status)
    OrderItemFactory(order=order, product=product)
    return order
