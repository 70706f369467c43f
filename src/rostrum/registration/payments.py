"""How orders are paid: one interface, a provider per way of paying, a registry keyed by provider code.

Built in: "free" (an order of total 0 is paid the moment it is placed) and "bank_transfer" (the order waits;
the buyer transfers the total with the order code as reference; staff mark it paid when the money is in). A
card provider later is one more subclass registered under a new PaymentProviderCode: `start` would create the
payment at the provider (its id in Payment.reference) and `refund` would call the provider's refund API.
orders.py calls only this interface, never a provider by name.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from rostrum.registration.enums import OrderStatus, PaymentProviderCode, PaymentStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import Order, Payment


@dataclass(frozen=True)
class PaymentInstructions:
    """What a buyer needs to pay a pending order: shown on the order page and in the e-mail."""

    payee: str
    bank: str
    reference: str
    amount: str
    due: object  # a datetime, or None


class PaymentProvider:
    """One way of paying. Subclasses set `code` and `label` and override what differs."""

    code: str = ""
    label: str = ""
    # True: `start` settles the payment at once (the order is paid when placed).
    pays_at_once: bool = False

    def refusal(self, total: Decimal) -> str:
        """Why this provider cannot pay an order of `total`, in the buyer's words; "" when it can."""
        return ""

    def start(self, order: Order) -> Payment:
        """Record the payment of a newly placed order (pending, or confirmed when it pays at once)."""
        now = timezone.now() if self.pays_at_once else None
        return Payment.objects.create(
            order=order,
            provider=self.code,
            amount=order.total,
            status=PaymentStatus.CONFIRMED if self.pays_at_once else PaymentStatus.PENDING,
            reference=order.code,
            confirmed_at=now,
        )

    def confirm(self, payment: Payment, *, by, reference: str = "") -> Payment:
        """The money is in: the payment is confirmed (by staff, or by the provider's notice: `by` None)."""
        payment.status = PaymentStatus.CONFIRMED
        payment.confirmed_at = timezone.now()
        payment.confirmed_by = by if getattr(by, "is_authenticated", False) else None
        if reference:
            payment.reference = reference
        payment.save(update_fields=["status", "confirmed_at", "confirmed_by", "reference"])
        return payment

    def abandon(self, payment: Payment) -> Payment:
        """The order was cancelled or expired before it was paid: no money will come."""
        payment.status = PaymentStatus.FAILED
        payment.save(update_fields=["status"])
        return payment

    def refund(self, payment: Payment, *, by, reason: str) -> Payment:
        """Pay the money back. Bank transfers are paid back by hand; the row records that it is owed."""
        payment.status = PaymentStatus.REFUNDED
        payment.save(update_fields=["status"])
        return payment

    def instructions(self, order: Order) -> PaymentInstructions | None:
        """What the buyer must do to pay a pending order; None when there is nothing to do."""
        return None


class FreeProvider(PaymentProvider):
    code = PaymentProviderCode.FREE
    label = PaymentProviderCode.FREE.label
    pays_at_once = True

    def refusal(self, total: Decimal) -> str:
        return "" if total == 0 else "This order is not free of charge; please choose how to pay."


class BankTransferProvider(PaymentProvider):
    code = PaymentProviderCode.BANK_TRANSFER
    label = PaymentProviderCode.BANK_TRANSFER.label

    def refusal(self, total: Decimal) -> str:
        return "" if total > 0 else "There is nothing to pay for this order."

    def instructions(self, order: Order) -> PaymentInstructions:
        seller = settings.ROSTRUM_SELLER
        return PaymentInstructions(
            payee=seller["name"],
            bank=seller["bank"],
            reference=order.code,
            amount=order.total_display,
            due=order.expires_at,
        )


PROVIDERS: dict[str, PaymentProvider] = {}


def provider_register(provider: PaymentProvider) -> PaymentProvider:
    """Make a provider available under its code (a card provider registers itself the same way)."""
    PROVIDERS[str(provider.code)] = provider
    return provider


provider_register(FreeProvider())
provider_register(BankTransferProvider())


def provider_get(code: str) -> PaymentProvider:
    """The provider of `code`; RegistrationError (field "payment_provider") when there is none."""
    provider = PROVIDERS.get(code)
    if provider is None:
        raise RegistrationError(f"“{code}” is not a way of paying here.", field="payment_provider")
    return provider


def provider_choose(code: str, *, total: Decimal) -> PaymentProvider:
    """The provider that pays an order of `total`: free when it costs nothing, whatever was chosen (nothing
    is left to pay); otherwise the one chosen, bank transfer when none was."""
    if total == 0:
        return PROVIDERS[PaymentProviderCode.FREE]
    provider = provider_get(code or PaymentProviderCode.BANK_TRANSFER)
    refusal = provider.refusal(total)
    if refusal:
        raise RegistrationError(refusal, field="payment_provider")
    return provider


def payment_instructions(order: Order) -> PaymentInstructions | None:
    """How to pay `order` when it awaits payment (bank details and reference); None otherwise."""
    if order.status != OrderStatus.PENDING:
        return None
    return provider_get(order.payment_provider).instructions(order)
