from decimal import Decimal

import factory

from rostrum.registration import models
from rostrum.registration.enums import (
    EntitlementScope,
    EntitlementSource,
    OrderStatus,
    PaymentProviderCode,
    ProductKind,
    VoucherKind,
)
from tests.factories.accounts import UserFactory
from tests.factories.programme import EventFactory


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Product
        django_get_or_create = ["code"]

    event = factory.SubFactory(EventFactory)
    kind = ProductKind.CONGRESS_REGISTRATION
    code = factory.Sequence(lambda n: f"product-{n}")
    name = factory.Sequence(lambda n: f"Product {n}")


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Price

    product = factory.SubFactory(ProductFactory)
    amount = Decimal("100.00")


class VoucherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Voucher

    code = factory.Sequence(lambda n: f"VOUCHER{n}")
    kind = VoucherKind.PERCENTAGE
    value = Decimal("50.00")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Order

    buyer = factory.SubFactory(UserFactory, country="AT")
    status = OrderStatus.PENDING
    payment_provider = PaymentProviderCode.BANK_TRANSFER
    buyer_name = factory.LazyAttribute(lambda o: o.buyer.display_name)
    buyer_email = factory.LazyAttribute(lambda o: o.buyer.email)
    buyer_country = "AT"


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrderItem

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory)
    price_label = "Regular"
    list_amount = Decimal("100.00")
    amount = Decimal("100.00")


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.WaitlistEntry

    product = factory.SubFactory(ProductFactory, kind=ProductKind.WORKSHOP_SEAT, capacity=1)
    user = factory.SubFactory(UserFactory)


class EntitlementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Entitlement

    user = factory.SubFactory(UserFactory)
    source = EntitlementSource.STAFF
    scope = EntitlementScope.EVENT
    event = factory.SubFactory(EventFactory)
