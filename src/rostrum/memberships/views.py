"""Membership pages: the types on offer, joining one, the member's own memberships and proof downloads."""

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from rostrum.memberships import selectors, services
from rostrum.memberships.enums import MembershipStatus
from rostrum.memberships.errors import MembershipError
from rostrum.memberships.forms import JoinForm
from rostrum.memberships.models import Membership, MembershipType


@require_http_methods(["GET"])
def membership_type_list(request):
    offers = selectors.membership_types_for(request.user)
    return render(request, "memberships/list.html", {"offers": offers})


@login_required
@require_http_methods(["GET", "POST"])
def membership_join(request, code: str):
    membership_type = get_object_or_404(
        MembershipType.objects.prefetch_related("benefits"), code=code, is_active=True
    )
    reason = selectors.membership_type_eligibility(membership_type, user=request.user)
    # An empty POST still binds the form, so that a missing proof is reported.
    bound = request.method == "POST"
    form = JoinForm(
        request.POST if bound else None, request.FILES if bound else None, membership_type=membership_type
    )
    if request.method == "POST" and not reason and form.is_valid():
        try:
            membership = services.membership_apply(
                user=request.user, membership_type=membership_type, proof=form.cleaned_data.get("proof")
            )
        except MembershipError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _applied_message(membership))
            return redirect("memberships:mine")
    return render(
        request, "memberships/join.html", {"membership_type": membership_type, "form": form, "reason": reason}
    )


def _applied_message(membership: Membership) -> str:
    name = membership.membership_type.name
    if membership.is_active:
        return f"Welcome! Your {name} is active until {membership.valid_until:%d %B %Y}."
    if membership.status == MembershipStatus.PENDING_APPROVAL:
        return f"Thank you. Staff will check your proof and confirm your {name} by e-mail."
    return f"Thank you. Your {name} starts once the fee of {membership.membership_type.fee_display} is paid."


@login_required
@require_http_methods(["GET"])
def my_memberships(request):
    return render(request, "memberships/mine.html", {"memberships": selectors.memberships_of(request.user)})


@login_required
@require_POST
def membership_renew(request, pk: int):
    membership = get_object_or_404(
        Membership.objects.select_related("membership_type"), pk=pk, user=request.user
    )
    try:
        membership = services.membership_renew(membership, by=request.user)
    except MembershipError as error:
        messages.error(request, error.message)
    else:
        if membership.renewal_requested_at:
            messages.success(
                request,
                f"Your renewal is noted: it takes effect once the fee of "
                f"{membership.membership_type.fee_display} is paid.",
            )
        else:
            messages.success(request, f"Renewed: valid until {membership.valid_until:%d %B %Y}.")
    return redirect("memberships:mine")


@login_required
@require_http_methods(["GET"])
def membership_proof(request, pk: int):
    """The proof, to its owner and to staff who may view memberships; nobody else learns it exists."""
    membership = get_object_or_404(Membership, pk=pk)
    allowed = membership.user_id == request.user.pk or request.user.has_perm("memberships.view_membership")
    if not allowed or not membership.proof:
        raise Http404("No such proof.")
    suffix = Path(membership.proof.name).suffix.lower()
    response = FileResponse(
        membership.proof.open("rb"),
        as_attachment=True,
        filename=f"membership-{membership.pk}-proof{suffix}",
        content_type=mimetypes.guess_type(f"x{suffix}")[0] or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("memberships/", membership_type_list, name="list"),
    path("memberships/join/<slug:code>/", membership_join, name="join"),
    path("memberships/<int:pk>/proof/", membership_proof, name="proof"),
    path("account/memberships/", my_memberships, name="mine"),
    path("account/memberships/<int:pk>/renew/", membership_renew, name="renew"),
]
