import datetime as dt
from decimal import Decimal

import factory

from rostrum.memberships import models
from rostrum.memberships.enums import MembershipStatus, Region
from tests.factories.accounts import UserFactory


class MembershipTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MembershipType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"type-{n}")
    name = factory.Sequence(lambda n: f"Membership type {n}")
    for_whom = "radiographers residing in Europe"
    annual_fee = Decimal("11.00")
    professions = factory.LazyFunction(lambda: ["radiographer"])
    region = Region.EUROPE


class BenefitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Benefit

    membership_type = factory.SubFactory(MembershipTypeFactory)
    text = factory.Sequence(lambda n: f"Benefit {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory, profession="radiographer", country="AT")
    membership_type = factory.SubFactory(MembershipTypeFactory)
    status = MembershipStatus.ACTIVE
    valid_from = dt.date(2030, 1, 1)
    valid_until = dt.date(2030, 12, 31)


class MembershipReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MembershipReminder

    membership = factory.SubFactory(MembershipFactory)
    kind = "30_days"
    valid_until = factory.LazyAttribute(lambda o: o.membership.valid_until)
