"""The VAT on what a buyer pays, by the product's VAT category and the buyer's country and VAT number.

Listed prices include VAT at the seller's own rate. The rules, applied in order:
1. An exempt product carries no VAT.
2. A business buyer in another EU state with a valid VAT number: reverse charge, no VAT; they pay the net.
3. A buyer outside the EU: no EU VAT; they pay the net.
4. Otherwise (a buyer in the seller's state, a private buyer in the EU, or no country given): the rate of the
   buyer's EU state (of the seller's state when none is given), the price staying what is listed.
"""

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from stdnum.eu import vat as eu_vat

from rostrum.registration.enums import VatCategory

VAT_RATES = Path(__file__).resolve().parent / "data" / "vat_rates.json"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tax:
    """What the buyer pays for a line (VAT included), the rate in percent, the VAT inside, and the invoice's
    note about the rule that applied."""

    amount: Decimal
    rate: Decimal
    vat: Decimal
    note: str


@cache
def vat_rates() -> dict[str, dict[str, Decimal]]:
    data = json.loads(VAT_RATES.read_text(encoding="utf-8"))
    return {
        country: {category: Decimal(rate) for category, rate in rates.items()}
        for country, rates in data["rates"].items()
    }


def _rate(country: str, category: str) -> Decimal:
    return vat_rates()[country][category]


def vat_id_valid(vat_id: str) -> bool:
    """Whether an EU VAT number has a valid format and check digits (not whether it is registered)."""
    return bool(vat_id) and eu_vat.is_valid(vat_id)


def _vat_inside(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross * rate / (HUNDRED + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def tax_for(category: str, *, gross: Decimal, buyer_country: str, buyer_vat_id: str = "") -> Tax:
    """The tax on a line whose listed price (after vouchers) is `gross`, for this buyer."""
    seller_country = settings.ROSTRUM_SELLER["country"]
    country = (buyer_country or seller_country).upper()
    if category == VatCategory.EXEMPT:
        return Tax(amount=gross, rate=Decimal(0), vat=Decimal("0.00"), note="Exempt from VAT")
    seller_rate = _rate(seller_country, category)
    net = gross - _vat_inside(gross, seller_rate)
    in_eu = country in vat_rates()
    if in_eu and country != seller_country and vat_id_valid(buyer_vat_id):
        return Tax(
            amount=net, rate=Decimal(0), vat=Decimal("0.00"), note="Reverse charge: VAT due by the recipient"
        )
    if not in_eu:
        return Tax(amount=net, rate=Decimal(0), vat=Decimal("0.00"), note="Not subject to EU VAT")
    rate = _rate(country, category)
    return Tax(amount=gross, rate=rate, vat=_vat_inside(gross, rate), note="")
