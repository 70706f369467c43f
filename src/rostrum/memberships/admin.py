"""The back office for memberships: types with their benefits, and memberships with staff's decisions.

A membership's status only changes through the actions (approve, reject, mark paid, renew), which call the
services: they log, e-mail and tell the apps that grant entitlements.
"""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from rostrum.memberships import services
from rostrum.memberships.enums import MembershipStatus
from rostrum.memberships.errors import MembershipError
from rostrum.memberships.forms import RejectForm
from rostrum.memberships.models import Benefit, Membership, MembershipType


class BenefitInline(admin.TabularInline):
    model = Benefit
    extra = 0
    fields = ("position", "text", "grant_kind", "grant_reference")


@admin.register(MembershipType)
class MembershipTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "fee_display", "region", "requires_proof", "is_active", "position")
    list_editable = ("is_active", "position")
    search_fields = ("name", "code")
    inlines = [BenefitInline]

    @admin.display(description="Fee")
    def fee_display(self, obj):
        return obj.fee_display


class WaitingForStaffFilter(admin.SimpleListFilter):
    title = "waiting for staff"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("approval", "Pending approval"), ("payment", "Pending payment")]

    def queryset(self, request, queryset):
        status = {"approval": MembershipStatus.PENDING_APPROVAL, "payment": MembershipStatus.PENDING_PAYMENT}
        return queryset.filter(status=status[self.value()]) if self.value() in status else queryset


def _run(modeladmin, request, queryset, service, done: str, **kwargs):
    changed = 0
    for membership in queryset.select_related("membership_type", "user"):
        try:
            service(membership, by=request.user, **kwargs)
        except MembershipError as error:
            modeladmin.message_user(request, f"{membership}: {error.message}", messages.WARNING)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} membership{'s' if changed != 1 else ''} {done}.")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "user_email", "membership_type", "status", "valid_from", "valid_until", "created")
    list_filter = (WaitingForStaffFilter, "status", "membership_type")
    search_fields = ("user__email", "user__first_name", "user__last_name", "user__certificate_name")
    list_select_related = ("user", "membership_type")
    date_hierarchy = "created"
    actions = ["approve", "reject", "mark_paid", "renew"]
    fields = (
        "user",
        "membership_type",
        "status",
        "valid_from",
        "valid_until",
        "proof_link",
        "approved_by",
        "approved_at",
        "paid_at",
        "renewal_requested_at",
        "reason",
        "created",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        # Members apply on the site; a membership created here would skip the checks, log and signals.
        return False

    @admin.display(description="E-mail", ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.display(description="Proof")
    def proof_link(self, obj):
        if not obj.proof:
            return "—"
        return format_html('<a href="{}">Download the proof</a>', reverse("memberships:proof", args=[obj.pk]))

    @admin.action(description="Approve the selected memberships (proof accepted)", permissions=["change"])
    def approve(self, request, queryset):
        _run(self, request, queryset, services.membership_approve, "approved")

    @admin.action(description="Mark the fee of the selected memberships as paid", permissions=["change"])
    def mark_paid(self, request, queryset):
        _run(self, request, queryset, services.membership_mark_paid, "marked as paid")

    @admin.action(description="Renew the selected memberships", permissions=["change"])
    def renew(self, request, queryset):
        _run(self, request, queryset, services.membership_renew, "renewed")

    @admin.action(description="Reject the selected memberships…", permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            _run(
                self,
                request,
                queryset,
                services.membership_reject,
                "rejected",
                reason=form.cleaned_data["reason"],
            )
            return None
        return TemplateResponse(
            request,
            "admin/memberships/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reject memberships",
                "form": form,
                "memberships": queryset.select_related("user", "membership_type"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
