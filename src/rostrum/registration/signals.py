"""Signals registration sends so that higher apps (streaming, cme) react to purchases.

`order_paid(sender=Order, order=...)`: an order was paid (or completed free of charge); its
entitlements exist.
`order_ended(sender=Order, order=..., status=...)`: an order was cancelled, expired or refunded; what it
granted is withdrawn.
"""

from django.dispatch import Signal

order_paid = Signal()
order_ended = Signal()
