"""Forms of the buyer's pages: checkout with a voucher code, the payment and the buyer's details."""

from django import forms
from django_countries import countries

from rostrum.registration.enums import PaymentProviderCode
from rostrum.registration.payments import PROVIDERS


def payment_choices() -> list[tuple[str, str]]:
    """The ways of paying a buyer chooses from; "free" is none of them: an order whose total is 0 is complete
    at once, whatever was chosen."""
    return [(code, provider.label) for code, provider in PROVIDERS.items() if not provider.pays_at_once]


class CheckoutForm(forms.Form):
    """The buyer's details as the invoice prints them, a voucher code and how they pay."""

    voucher = forms.CharField(
        label="Voucher code",
        required=False,
        max_length=40,
        help_text="If you have one; capitals or not, it does not matter.",
    )
    payment_provider = forms.ChoiceField(
        label="How you pay",
        initial=PaymentProviderCode.BANK_TRANSFER,
        widget=forms.RadioSelect,
        help_text="By bank transfer you get our bank details; your seats stay yours until payment is due.",
    )
    organisation = forms.CharField(
        label="Organisation",
        required=False,
        max_length=200,
        help_text="The hospital, university or company the invoice is made out to, if any.",
    )
    address = forms.CharField(
        label="Billing address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    country = forms.ChoiceField(label="Country", required=False)
    vat_id = forms.CharField(
        label="VAT number",
        required=False,
        max_length=20,
        help_text="Only for a business in the European Union, e.g. DE123456789: the invoice is then net.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_provider"].choices = payment_choices()
        self.fields["country"].choices = [("", "Choose your country"), *countries]
        for name, token in [("organisation", "organization"), ("address", "street-address")]:
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        self.fields["voucher"].widget.attrs["autocomplete"] = "off"

    def clean_voucher(self) -> str:
        return self.cleaned_data["voucher"].strip()

    def clean_vat_id(self) -> str:
        return self.cleaned_data["vat_id"].replace(" ", "").upper()

    def buyer_details(self) -> dict:
        """The details as order_place takes them."""
        data = self.cleaned_data
        return {key: data[key] for key in ("country", "vat_id", "organisation", "address")}
