from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from rostrum.memberships.enums import GrantKind, Region
from rostrum.memberships.regions import in_region
from rostrum.memberships.selectors import membership_type_eligibility, membership_types_for
from tests.factories.accounts import UserFactory


@pytest.mark.parametrize(
    ("code", "profession", "country", "reason"),
    [
        ("full-allied", "radiographer", "AT", ""),
        ("full-allied", "radiographer", "NO", ""),
        (
            "full-allied",
            "radiographer",
            "BR",
            "Full Membership for Professionals of Allied Sciences is for radiographers residing in Europe; "
            "your profile says you live in Brazil.",
        ),
        (
            "full-allied",
            "radiologist",
            "AT",
            "Full Membership for Professionals of Allied Sciences is for radiographers residing in Europe; "
            "your profile gives your profession as radiologist.",
        ),
        ("in-training-allied", "student", "PT", ""),
        ("in-training-allied", "resident", "PL", ""),
        (
            "in-training-allied",
            "student",
            "US",
            "Membership in Training for Professionals of Allied Sciences is for radiographers in training; "
            "your profile says you live in United States of America.",
        ),
        ("corresponding", "radiographer", "BR", ""),
        ("corresponding", "student", "KE", ""),
        (
            "corresponding",
            "radiographer",
            "FR",
            "Corresponding Membership is for radiographers or radiographers in training residing outside "
            "Europe; your profile says you live in France.",
        ),
        ("friend", "student", "IN", ""),
        ("friend", "student", "DE", ""),
        (
            "friend",
            "radiographer",
            "DE",
            "ESR Friend is for undergraduate radiography students; your profile gives your profession as "
            "radiographer.",
        ),
    ],
)
def test_eligibility_of_each_type(types, code, profession, country, reason):
    user = UserFactory(profession=profession, country=country)

    assert membership_type_eligibility(types[code], user=user) == reason


def test_eligibility_missing_profession_says_what_to_add(types):
    user = UserFactory(profession="", country="AT")

    assert membership_type_eligibility(types["full-allied"], user=user) == (
        "Full Membership for Professionals of Allied Sciences is for radiographers residing in Europe; "
        "please add your profession to your profile."
    )


def test_eligibility_missing_country_says_what_to_add(types):
    user = UserFactory(profession="radiographer", country="")

    assert membership_type_eligibility(types["corresponding"], user=user) == (
        "Corresponding Membership is for radiographers or radiographers in training residing outside Europe; "
        "please add the country you live in to your profile."
    )


def test_eligibility_region_anywhere_needs_no_country(types):
    user = UserFactory(profession="student", country="")

    assert membership_type_eligibility(types["friend"], user=user) == ""


@pytest.mark.parametrize(
    ("country", "europe"),
    [
        ("AT", True),
        ("GB", True),
        ("CH", True),
        ("UA", True),
        ("TR", True),
        ("CY", True),
        ("BR", False),
        ("US", False),
        ("EG", False),
        ("IL", False),
    ],
)
def test_in_region_by_iso_country(country, europe):
    assert in_region(country, Region.EUROPE) == europe
    assert in_region(country, Region.OUTSIDE_EUROPE) == (not europe)
    assert in_region(country, Region.ANYWHERE) is True


def test_catalogue_holds_the_seed_types(types):
    assert [t.code for t in sorted(types.values(), key=lambda t: t.position)] == [
        "full-allied",
        "in-training-allied",
        "corresponding",
        "friend",
    ]
    assert types["full-allied"].annual_fee == Decimal("11.00")
    assert types["full-allied"].fee_display == "€11.00 per year"
    assert types["corresponding"].fee_display == "free of charge"
    friend_grants = [
        (b.grant_kind, b.grant_reference) for b in types["friend"].benefits.all() if b.grant_kind
    ]
    assert friend_grants == [(GrantKind.ELEARNING, "education-on-demand")]
    assert types["friend"].benefits.count() == 6


def test_membership_types_for_costs_three_queries(types, django_assert_num_queries):
    user = UserFactory(profession="radiographer", country="BR")

    with django_assert_num_queries(3):
        offers = membership_types_for(user)
        eligible = {offer.membership_type.code: offer.eligible for offer in offers}
        benefits = [b.text for offer in offers for b in offer.membership_type.benefits.all()]

    assert eligible == {
        "full-allied": False,
        "in-training-allied": False,
        "corresponding": True,
        "friend": False,
    }
    assert len(benefits) == 12


def test_membership_types_for_anonymous_has_no_verdict(types):
    offers = membership_types_for(AnonymousUser())

    assert {offer.eligible for offer in offers} == {None}
