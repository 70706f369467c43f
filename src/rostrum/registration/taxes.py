"""The VAT on what a buyer pays, by the product's VAT category and the buyer's country and VAT number.

Listed prices include VAT at the seller's own rate (settings.ROSTRUM_SELLER["country"]). The rules, applied
in order:
1. An exempt product carries no VAT.
2. A business buyer in another EU state with a valid VAT number of that state: reverse charge, no VAT; they
   pay the net (the listed price less the seller's VAT in it). A VAT number is valid when its format and
   check digits are (python-stdnum); whether it is registered (VIES) is not asked.
3. A buyer outside the EU: no EU VAT; they pay the net.
4. Otherwise (a buyer in the seller's state, with or without a VAT number; a private buyer in the EU or one
   whose VAT number is invalid or of another state; or no country given): the rate of the buyer's EU state
   (of the seller's state when none is given), the price staying what is listed.
Admission to an event held in person (a congress registration, a workshop seat of an event that is not
online) is taxed where the event takes place (Art. 53 of Directive 2006/112/EC), whoever buys it: rules 2 to 4
give way to the rate of the seller's state, where Rostrum assumes its in-person events are held.
The category picks the rate: standard, or the state's reduced rate (admission to educational events and
e-learning where a state has one). The rates per state are data: data/vat_rates.json.
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

    @property
    def net(self) -> Decimal:
        return self.amount - self.vat


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


def vat_id_country(vat_id: str) -> str:
    """The ISO code of the EU state that issued a valid VAT number ("GR" for Greece's "EL…"), else ""."""
    if not vat_id_valid(vat_id):
        return ""
    prefix = eu_vat.compact(vat_id)[:2]
    return "GR" if prefix == "EL" else prefix


def _vat_inside(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross * rate / (HUNDRED + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def tax_for(
    category: str, *, gross: Decimal, buyer_country: str, buyer_vat_id: str = "", in_person: bool = False
) -> Tax:
    """The tax on a line whose listed price (after vouchers) is `gross`, for this buyer; `in_person`: the
    line is admission to an event held in person."""
    seller_country = settings.ROSTRUM_SELLER["country"].upper()
    country = (buyer_country or "").strip().upper() or seller_country
    if category == VatCategory.EXEMPT:
        return Tax(amount=gross, rate=Decimal(0), vat=Decimal("0.00"), note="Exempt from VAT")
    if in_person:
        rate = _rate(seller_country, category)
        return Tax(
            amount=gross,
            rate=rate,
            vat=_vat_inside(gross, rate),
            note="Admission to an event: VAT where it is held",
        )
    seller_rate = _rate(seller_country, category)
    net = gross - _vat_inside(gross, seller_rate)
    in_eu = country in vat_rates()
    if in_eu and country != seller_country and vat_id_country(buyer_vat_id) == country:
        return Tax(
            amount=net, rate=Decimal(0), vat=Decimal("0.00"), note="Reverse charge: VAT due by the recipient"
        )
    if not in_eu:
        return Tax(amount=net, rate=Decimal(0), vat=Decimal("0.00"), note="Not subject to EU VAT")
    rate = _rate(country, category)
    return Tax(amount=gross, rate=rate, vat=_vat_inside(gross, rate), note="")
