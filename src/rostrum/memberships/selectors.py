"""Reads of memberships: which types a user may join (and why not), and the memberships a user holds."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from rostrum.accounts.enums import Profession
from rostrum.memberships.enums import OPEN_STATUSES, MembershipStatus, Region
from rostrum.memberships.models import Benefit, Membership, MembershipType
from rostrum.memberships.regions import in_region


@dataclass(frozen=True)
class MembershipOffer:
    """A membership type as one user sees it: may they join, and if not, why; their open membership."""

    membership_type: MembershipType
    eligible: bool | None  # None: nobody is signed in
    reason: str
    membership: Membership | None


def membership_type_eligibility(membership_type: MembershipType, *, user) -> str:
    """Why the user may not join this type, in words they understand; "" when they may.

    Profession and country come from the user's profile; a missing one is named so they know what to add.
    Proof of student status or training is not checked here: staff approve it after the application.
    """
    intro = f"{membership_type.name} is for {membership_type.for_whom}"
    if membership_type.professions:
        if not user.profession:
            return f"{intro}; please add your profession to your profile."
        if user.profession not in membership_type.professions:
            label = Profession(user.profession).label.lower()
            return f"{intro}; your profile gives your profession as {label}."
    if membership_type.region != Region.ANYWHERE:
        if not user.country:
            return f"{intro}; please add the country you live in to your profile."
        if not in_region(user.country.code, membership_type.region):
            return f"{intro}; your profile says you live in {user.country.name}."
    return ""


def _types_with_benefits() -> QuerySet[MembershipType]:
    return MembershipType.objects.filter(is_active=True).prefetch_related(
        Prefetch("benefits", queryset=Benefit.objects.order_by("position", "pk"))
    )


def membership_types_for(user) -> list[MembershipOffer]:
    """The active membership types in their order, with the user's eligibility and open membership.

    Three queries whatever the number of types: types, benefits, the user's open memberships.
    """
    types = list(_types_with_benefits())
    if not getattr(user, "is_authenticated", False):
        return [MembershipOffer(t, None, "", None) for t in types]
    open_memberships = {
        m.membership_type_id: m for m in Membership.objects.filter(user=user, status__in=OPEN_STATUSES)
    }
    offers = []
    for membership_type in types:
        current = open_memberships.get(membership_type.pk)
        reason = membership_type_eligibility(membership_type, user=user)
        offers.append(MembershipOffer(membership_type, not reason, reason, current))
    return offers


def active_membership(user, *, at: dt.date | None = None) -> Membership | None:
    """The user's membership that is active on the day `at` (today by default), the first type first."""
    if not getattr(user, "is_authenticated", False):
        return None
    at = at or timezone.localdate()
    return (
        Membership.objects.filter(
            user=user, status=MembershipStatus.ACTIVE, valid_from__lte=at, valid_until__gte=at
        )
        .select_related("membership_type")
        .order_by("membership_type__position", "pk")
        .first()
    )


def memberships_of(user) -> QuerySet[Membership]:
    """Every membership of the user, newest first, with its type."""
    return Membership.objects.filter(user=user).select_related("membership_type").order_by("-created", "-pk")
