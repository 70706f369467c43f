"""Memberships' part of a user's data download and of the deletion of their account (accounts' signals)."""

from django.dispatch import receiver

from rostrum.accounts.signals import account_deleting, personal_data_requested
from rostrum.memberships.models import Membership
from rostrum.memberships.signals import membership_ended


def _when(value) -> str | None:
    return value.isoformat() if value else None


@receiver(personal_data_requested)
def export_memberships(sender, user, **kwargs):
    """The user's memberships; a proof is named by whether it exists, its file is downloaded on its page."""
    return {
        "memberships": [
            {
                "type": membership.membership_type.name,
                "status": membership.status,
                "valid_from": _when(membership.valid_from),
                "valid_until": _when(membership.valid_until),
                "applied": _when(membership.created),
                "approved": _when(membership.approved_at),
                "paid": _when(membership.paid_at),
                "proof_uploaded": bool(membership.proof),
                "reason": membership.reason,
            }
            for membership in Membership.objects.filter(user=user)
            .select_related("membership_type")
            .order_by("created", "pk")
        ]
    }


@receiver(account_deleting)
def delete_memberships(sender, user, **kwargs):
    # Proof documents are personal data with no reason to outlive the account; higher apps withdraw what an
    # active membership granted when told it ended.
    for membership in Membership.objects.filter(user=user).select_related("membership_type"):
        if membership.proof:
            membership.proof.delete(save=False)
        if membership.is_active:
            membership_ended.send(sender=Membership, membership=membership, reason="deleted")
        membership.delete()
