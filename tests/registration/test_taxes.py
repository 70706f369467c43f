from decimal import Decimal

import pytest

from rostrum.registration.enums import VatCategory
from rostrum.registration.taxes import Tax, tax_for, vat_id_country, vat_id_valid, vat_rates

# Valid format and check digits (python-stdnum); the seller is in Austria (settings.ROSTRUM_SELLER).
GERMAN_VAT_ID = "DE136695976"
AUSTRIAN_VAT_ID = "ATU13585627"
GREEK_VAT_ID = "EL094259216"
REVERSE_CHARGE = "Reverse charge: VAT due by the recipient"


@pytest.fixture(autouse=True)
def seller_in_austria(settings):
    settings.ROSTRUM_SELLER = {**settings.ROSTRUM_SELLER, "country": "AT"}


def test_tax_for_buyer_in_seller_state_charges_its_rate_inside_the_listed_price():
    tax = tax_for(VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="AT")
    assert tax == Tax(amount=Decimal("120.00"), rate=Decimal(20), vat=Decimal("20.00"), note="")
    assert tax.net == Decimal("100.00")


def test_tax_for_business_in_seller_state_pays_vat_too():
    tax = tax_for(
        VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="AT", buyer_vat_id=AUSTRIAN_VAT_ID
    )
    assert (tax.amount, tax.vat, tax.note) == (Decimal("120.00"), Decimal("20.00"), "")


def test_tax_for_no_country_takes_the_seller_state():
    assert tax_for(VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="").rate == Decimal(20)


def test_tax_for_private_buyer_in_another_eu_state_pays_its_rate_on_the_same_price():
    tax = tax_for(VatCategory.STANDARD, gross=Decimal("119.00"), buyer_country="de")
    assert tax == Tax(amount=Decimal("119.00"), rate=Decimal(19), vat=Decimal("19.00"), note="")


def test_tax_for_vat_is_rounded_half_up_to_the_cent():
    tax = tax_for(VatCategory.STANDARD, gross=Decimal("100.00"), buyer_country="AT")
    assert (tax.vat, tax.net) == (Decimal("16.67"), Decimal("83.33"))


def test_tax_for_reduced_category_takes_the_reduced_rate_of_the_buyer_state():
    austria = tax_for(VatCategory.REDUCED, gross=Decimal("110.00"), buyer_country="AT")
    france = tax_for(VatCategory.REDUCED, gross=Decimal("105.50"), buyer_country="FR")
    assert (austria.rate, austria.vat) == (Decimal(10), Decimal("10.00"))
    assert (france.rate, france.vat) == (Decimal("5.5"), Decimal("5.50"))


def test_tax_for_exempt_product_carries_no_vat_for_anybody():
    for country, vat_id in (("AT", ""), ("DE", GERMAN_VAT_ID), ("US", ""), ("", "")):
        tax = tax_for(VatCategory.EXEMPT, gross=Decimal("50.00"), buyer_country=country, buyer_vat_id=vat_id)
        assert tax == Tax(
            amount=Decimal("50.00"), rate=Decimal(0), vat=Decimal("0.00"), note="Exempt from VAT"
        )


def test_tax_for_business_in_another_eu_state_is_reverse_charged_and_pays_the_net():
    tax = tax_for(
        VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="DE", buyer_vat_id=GERMAN_VAT_ID
    )
    assert tax == Tax(amount=Decimal("100.00"), rate=Decimal(0), vat=Decimal("0.00"), note=REVERSE_CHARGE)


def test_tax_for_reverse_charge_of_a_reduced_product_removes_the_seller_reduced_vat():
    tax = tax_for(
        VatCategory.REDUCED, gross=Decimal("110.00"), buyer_country="DE", buyer_vat_id=GERMAN_VAT_ID
    )
    assert (tax.amount, tax.note) == (Decimal("100.00"), REVERSE_CHARGE)


def test_tax_for_greek_vat_number_starting_el_is_reverse_charged():
    tax = tax_for(
        VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="GR", buyer_vat_id=GREEK_VAT_ID
    )
    assert tax.note == REVERSE_CHARGE


def test_tax_for_invalid_vat_number_is_treated_as_a_private_buyer():
    tax = tax_for(
        VatCategory.STANDARD, gross=Decimal("119.00"), buyer_country="DE", buyer_vat_id="DE136695977"
    )
    assert (tax.amount, tax.rate, tax.note) == (Decimal("119.00"), Decimal(19), "")


def test_tax_for_vat_number_of_another_state_than_the_buyer_is_no_reverse_charge():
    tax = tax_for(
        VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="FR", buyer_vat_id=GERMAN_VAT_ID
    )
    assert (tax.rate, tax.note) == (Decimal(20), "")


def test_tax_for_buyer_outside_the_eu_pays_the_net_without_vat():
    tax = tax_for(VatCategory.STANDARD, gross=Decimal("120.00"), buyer_country="US")
    assert tax == Tax(
        amount=Decimal("100.00"), rate=Decimal(0), vat=Decimal("0.00"), note="Not subject to EU VAT"
    )


@pytest.mark.parametrize(
    ("country", "vat_id"), [("US", ""), ("DE", GERMAN_VAT_ID), ("FR", ""), ("AT", AUSTRIAN_VAT_ID)]
)
def test_tax_for_admission_in_person_is_taxed_where_the_event_is_for_everybody(country, vat_id):
    tax = tax_for(
        VatCategory.STANDARD,
        gross=Decimal("120.00"),
        buyer_country=country,
        buyer_vat_id=vat_id,
        in_person=True,
    )
    assert tax == Tax(
        amount=Decimal("120.00"),
        rate=Decimal(20),
        vat=Decimal("20.00"),
        note="Admission to an event: VAT where it is held",
    )


def test_tax_for_free_line_has_no_vat():
    tax = tax_for(VatCategory.STANDARD, gross=Decimal("0.00"), buyer_country="AT")
    assert (tax.amount, tax.vat) == (Decimal("0.00"), Decimal("0.00"))


def test_tax_for_follows_the_seller_state_from_settings(settings):
    settings.ROSTRUM_SELLER = {**settings.ROSTRUM_SELLER, "country": "DE"}
    home = tax_for(
        VatCategory.STANDARD, gross=Decimal("119.00"), buyer_country="DE", buyer_vat_id=GERMAN_VAT_ID
    )
    austrian_business = tax_for(
        VatCategory.STANDARD, gross=Decimal("119.00"), buyer_country="AT", buyer_vat_id=AUSTRIAN_VAT_ID
    )
    assert (home.vat, home.note) == (Decimal("19.00"), "")
    assert (austrian_business.amount, austrian_business.note) == (Decimal("100.00"), REVERSE_CHARGE)


@pytest.mark.parametrize(
    ("vat_id", "valid", "country"),
    [
        (GERMAN_VAT_ID, True, "DE"),
        ("de 136 695 976", True, "DE"),
        (GREEK_VAT_ID, True, "GR"),
        ("DE136695977", False, ""),
        ("", False, ""),
        ("GB980780684", False, ""),
    ],
)
def test_vat_id_valid_checks_format_and_check_digits(vat_id, valid, country):
    assert (vat_id_valid(vat_id), vat_id_country(vat_id)) == (valid, country)


def test_vat_rates_cover_the_27_member_states_with_both_categories():
    rates = vat_rates()
    assert len(rates) == 27
    assert all(set(r) == {"standard", "reduced"} and r["standard"] >= r["reduced"] for r in rates.values())
