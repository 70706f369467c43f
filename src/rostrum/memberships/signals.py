"""Signals memberships sends so that higher apps (registration grants entitlements) react to them.

`membership_activated(sender=Membership, membership=...)`: a membership became active, or was renewed (its
`valid_until` moved); receivers grant or extend what its type's benefits unlock.

`membership_ended(sender=Membership, membership=..., reason=...)`: an active membership stopped being
active; `reason` is "expired", "cancelled" or "deleted"; receivers withdraw what it granted.
"""

from django.dispatch import Signal

membership_activated = Signal()
membership_ended = Signal()
