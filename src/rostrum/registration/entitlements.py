"""Entitlements: what a user may watch, granted by orders, memberships and staff. OWNER: helper D.

CONTRACT STUB: replace the bodies, keep the names and signatures.
"""

from dataclasses import dataclass

from rostrum.registration.models import Entitlement


@dataclass(frozen=True)
class Access:
    """The answer of can_watch: allowed or not, why (words a viewer understands), through which entitlement,
    and how ("live" during the session, "on_demand" after it, None when not allowed)."""

    allowed: bool
    reason: str
    entitlement: Entitlement | None = None
    mode: str | None = None


def entitlements_grant_for_order(order) -> list[Entitlement]:
    raise NotImplementedError


def entitlements_revoke_for_order(order, *, reason: str) -> int:
    raise NotImplementedError


def entitlement_grant(*, user, by, scope, **content) -> Entitlement:
    raise NotImplementedError


def entitlement_revoke(entitlement, *, by, reason: str = "") -> Entitlement:
    raise NotImplementedError


def can_watch(user, session, *, at=None) -> Access:
    raise NotImplementedError


def entitlements_of(user, *, at=None) -> list[Entitlement]:
    raise NotImplementedError
