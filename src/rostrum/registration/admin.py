"""The back office of registration (Django's admin at /admin/registration/).

Products (with their prices) and vouchers are catalogue data that staff edit here. Orders, invoices, waitlist
entries and entitlements are records of what happened: they are read-only, and their state only changes
through the actions, which call the services (they log, e-mail, release seats and send the signals). Seat
counters are never edited: they move only through capacity.py. The staff pages (/staff/registration/) show
orders, seat lists and waitlists with their CSV exports.
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from rostrum.registration import services
from rostrum.registration.enums import EntitlementScope, OrderStatus, WaitlistStatus
from rostrum.registration.errors import RegistrationError
from rostrum.registration.models import (
    Entitlement,
    Invoice,
    Order,
    OrderItem,
    Payment,
    Price,
    Product,
    Voucher,
    WaitlistEntry,
)


class ReadOnly:
    """For records of what happened: shown, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, rows, service, done: str, **kwargs) -> None:
    """Call `service(row, by=…)` for each row; a broken rule is reported for that row, the others go on."""
    changed = 0
    for row in rows:
        try:
            service(row, by=request.user, **kwargs)
        except RegistrationError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.WARNING)
        else:
            changed += 1
    if changed:
        noun = (
            modeladmin.model._meta.verbose_name
            if changed == 1
            else modeladmin.model._meta.verbose_name_plural
        )
        modeladmin.message_user(request, f"{changed} {noun} {done}.")


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="The buyer reads it.")


def _with_reason(modeladmin, request, queryset, *, service, done: str, title: str):
    """Ask for a reason first (an intermediate page), then run the service with it."""
    form = ReasonForm(request.POST if "reason" in request.POST else None)
    if form.is_valid():
        _run(modeladmin, request, queryset, service, done, reason=form.cleaned_data["reason"])
        return None
    return TemplateResponse(
        request,
        "registration/staff/admin_reason.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "rows": queryset,
            "action": request.POST.get("action", ""),
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


# ---- Catalogue --------------------------------------------------------------------------------------------


class PriceInline(admin.TabularInline):
    model = Price
    extra = 0
    fields = ("membership_type", "window", "starts_at", "ends_at", "amount")


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = (
            *("event", "kind", "code", "name", "description", "position", "is_active", "currency"),
            *("vat_category", "free_for_holders_of", "available_from", "available_until", "capacity"),
            *(
                "offer_hours",
                "session",
                "membership_type",
                "grants_live",
                "grants_on_demand",
                "on_demand_until",
            ),
        )

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is None or self.instance.pk is None:
            return capacity
        taken = Product.objects.values_list("seats_taken", flat=True).get(pk=self.instance.pk)
        if capacity < taken:
            raise forms.ValidationError(
                f"{taken} seats are taken or offered to the waitlist; the capacity cannot be lower. "
                "Cancel or refund orders first."
            )
        return capacity


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductForm
    list_display = ("name", "code", "event", "kind", "seats", "is_active", "position", "staff_links")
    list_filter = ("event", "kind", "is_active")
    list_select_related = ("event",)
    list_editable = ("is_active", "position")
    search_fields = ("name", "code", "event__slug")
    autocomplete_fields = ("event", "session", "membership_type", "free_for_holders_of")
    readonly_fields = ("seats_taken",)
    inlines = [PriceInline]
    fieldsets = (
        (None, {"fields": ("event", "kind", "code", "name", "description", "position", "is_active")}),
        ("Price and tax", {"fields": ("currency", "vat_category", "free_for_holders_of")}),
        ("Sales", {"fields": ("available_from", "available_until")}),
        ("Seats", {"fields": ("capacity", "seats_taken", "offer_hours")}),
        ("What it opens", {"fields": ("session", "membership_type", "grants_live", "grants_on_demand")}),
        ("On demand", {"fields": ("on_demand_until",)}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # New seats go to the people waiting first, in the order they joined, not to the next newcomer.
            offered = services.waitlist_offer_free_seats(obj)
            if offered:
                messages.info(request, f"{len(offered)} new seats were offered to the waitlist.")

    @admin.display(description="seats taken")
    def seats(self, product) -> str:
        return "no limit" if product.capacity is None else f"{product.seats_taken} / {product.capacity}"

    @admin.display(description="lists")
    def staff_links(self, product) -> str:
        orders = reverse("registration:staff-orders") + f"?product={product.code}"
        if product.capacity is None:
            return format_html('<a href="{}">Orders</a>', orders)
        return format_html(
            '<a href="{}">Orders</a> · <a href="{}">Seats</a> · <a href="{}">Waitlist</a>',
            orders,
            reverse("registration:staff-seats", args=[product.code]),
            reverse("registration:staff-waitlist", args=[product.code]),
        )


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "value", "event", "uses", "valid_until", "is_active", "comment")
    list_filter = ("kind", "is_active", "event")
    list_select_related = ("event",)
    search_fields = ("code", "comment")
    autocomplete_fields = ("event", "products")
    readonly_fields = ("times_used", "created")
    fields = (
        "code",
        "kind",
        "value",
        "event",
        "products",
        "max_uses",
        "times_used",
        "valid_until",
        "is_active",
        "comment",
        "created",
    )

    @admin.display(description="used")
    def uses(self, voucher) -> str:
        return f"{voucher.times_used} / {voucher.max_uses}" if voucher.max_uses else str(voucher.times_used)


# ---- Orders and invoices ----------------------------------------------------------------------------------


class OrderItemInline(ReadOnly, admin.TabularInline):
    model = OrderItem
    extra = 0
    fields = (
        "product",
        "price_label",
        "list_amount",
        "discount",
        "amount",
        "vat_rate",
        "vat_amount",
        "tax_note",
        "holds_seat",
    )
    readonly_fields = fields


class PaymentInline(ReadOnly, admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("provider", "amount", "status", "reference", "created", "confirmed_at", "confirmed_by")
    readonly_fields = fields


class InvoiceInline(ReadOnly, admin.TabularInline):
    model = Invoice
    fk_name = "order"
    extra = 0
    fields = ("number", "kind", "issued_at", "gross_total", "currency")
    readonly_fields = fields
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only; mark paid, cancel and refund are actions that call the services."""

    list_display = (
        "code",
        "buyer_name",
        "buyer_email",
        "status",
        "total",
        "currency",
        "payment_provider",
        "created",
    )
    list_filter = ("status", "payment_provider", "items__product__event")
    search_fields = ("code", "buyer_email", "buyer_name", "buyer_organisation")
    date_hierarchy = "created"
    actions = ["mark_paid", "cancel", "refund"]
    inlines = [OrderItemInline, PaymentInline, InvoiceInline]
    fields = (
        "code",
        "staff_page",
        "buyer",
        "status",
        "currency",
        "total",
        "voucher",
        "payment_provider",
        "buyer_name",
        "buyer_email",
        "buyer_organisation",
        "buyer_address",
        "buyer_country",
        "buyer_vat_id",
        "created",
        "expires_at",
        "paid_at",
        "cancelled_at",
        "refunded_at",
        "reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        # Orders come from checkout (or the API): one made here would skip prices, seats, invoices and log.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The product filter joins items: one row per order all the same.
        return super().get_queryset(request).distinct()

    @admin.display(description="staff page")
    def staff_page(self, order) -> str:
        url = reverse("registration:staff-order", args=[order.code])
        return format_html('<a href="{}">Open the order in the staff pages</a>', url)

    @admin.action(description="Mark the selected pending orders as paid", permissions=["change"])
    def mark_paid(self, request, queryset):
        _run(
            self,
            request,
            queryset.filter(status=OrderStatus.PENDING),
            services.order_mark_paid,
            "marked paid",
        )

    @admin.action(description="Cancel the selected pending orders…", permissions=["change"])
    def cancel(self, request, queryset):
        return _with_reason(
            self, request, queryset, service=services.order_cancel, done="cancelled", title="Cancel orders"
        )

    @admin.action(description="Refund the selected paid orders…", permissions=["change"])
    def refund(self, request, queryset):
        return _with_reason(
            self, request, queryset, service=services.order_refund, done="refunded", title="Refund orders"
        )


@admin.register(Invoice)
class InvoiceAdmin(ReadOnly, admin.ModelAdmin):
    """Invoices are never changed after issue; a correction is a credit note (refund the order)."""

    list_display = ("number", "kind", "order", "issued_at", "gross_total", "currency", "pdf_link")
    list_filter = ("kind", "year")
    list_select_related = ("order",)
    search_fields = ("number", "order__code", "order__buyer_email")
    date_hierarchy = "issued_at"
    fields = (
        "number",
        "kind",
        "order",
        "credits",
        "issued_at",
        "seller",
        "buyer",
        "lines",
        "currency",
        "net_total",
        "vat_total",
        "gross_total",
        "reason",
        "pdf_link",
    )
    readonly_fields = fields

    @admin.display(description="PDF")
    def pdf_link(self, invoice) -> str:
        return format_html('<a href="/account/invoices/{}.pdf">{}.pdf</a>', invoice.number, invoice.number)


# ---- Waitlists and entitlements ---------------------------------------------------------------------------


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ("product", "user", "status", "joined_at", "offered_at", "offer_expires_at")
    list_filter = ("status", "product")
    list_select_related = ("product", "user")
    search_fields = ("user__email", "product__code", "product__name")
    fields = ("product", "user", "status", "joined_at", "offered_at", "offer_expires_at")
    readonly_fields = fields
    actions = ["remove"]

    def has_add_permission(self, request):
        # People join on the product's page, once it is sold out; the service checks that.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Take the selected people off the waitlist", permissions=["change"])
    def remove(self, request, queryset):
        open_entries = queryset.filter(status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])
        _run(self, request, open_entries.select_related("product"), services.waitlist_leave, "taken off")


class DryRunError(Exception):
    """Rolls back a grant tried only to learn whether the service accepts it."""


class EntitlementGrantForm(forms.ModelForm):
    """Staff's grant of access; the service decides what a scope may name, and its message shows here."""

    by = None  # the staff member granting, set per request by EntitlementAdmin.get_form

    class Meta:
        model = Entitlement
        fields = (
            "user",
            "scope",
            "event",
            "session_type",
            "session",
            "catalogue",
            "live",
            "on_demand",
            "valid_from",
            "valid_until",
            "note",
        )

    def grant_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        user, scope = data.pop("user"), data.pop("scope")
        return {
            "user": user,
            "scope": scope,
            **{name: value for name, value in data.items() if value not in (None, "")},
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # Try the grant and roll it back: the service's own rules, with its message, without copying them.
        try:
            with transaction.atomic():
                services.entitlement_grant(by=self.by, **self.grant_arguments())
                raise DryRunError
        except DryRunError:
            pass
        except RegistrationError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)
        return cleaned


@admin.register(Entitlement)
class EntitlementAdmin(admin.ModelAdmin):
    """Staff grant access here (the service checks the content); existing rows are withdrawn, never edited."""

    list_display = ("user", "scope", "content", "source", "live", "on_demand", "valid_until", "revoked_at")
    list_filter = ("source", "scope", "live", "on_demand", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "event", "session_type", "session")
    search_fields = ("user__email", "event__slug", "session__code", "catalogue", "note")
    autocomplete_fields = ("user", "event", "session_type", "session")
    form = EntitlementGrantForm
    actions = ["revoke"]
    shown = (
        "user",
        "source",
        "scope",
        "event",
        "session_type",
        "session",
        "catalogue",
        "live",
        "on_demand",
        "valid_from",
        "valid_until",
        "order_item",
        "membership",
        "granted_by",
        "note",
        "created",
        "revoked_at",
    )

    def get_fields(self, request, obj=None):
        return self.shown if obj else EntitlementGrantForm.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return self.shown if obj else ()

    def has_delete_permission(self, request, obj=None):
        # Withdrawn access stays visible ("revoked"), as "My access" and the history need it.
        return False

    @admin.display(description="content")
    def content(self, entitlement) -> str:
        return {
            EntitlementScope.EVENT: lambda: str(entitlement.event),
            EntitlementScope.SESSION_TYPE: lambda: str(entitlement.session_type),
            EntitlementScope.SESSION: lambda: str(entitlement.session),
            EntitlementScope.CATALOGUE: lambda: entitlement.catalogue,
        }[entitlement.scope]()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"by": request.user})

    def save_model(self, request, obj, form, change):
        # Only adding reaches here (existing rows are read-only); the service creates and logs the grant, and
        # the admin goes on with the row it made.
        granted = services.entitlement_grant(by=request.user, **form.grant_arguments())
        obj.pk, obj._state = granted.pk, granted._state

    @admin.action(description="Withdraw the selected access", permissions=["change"])
    def revoke(self, request, queryset):
        _run(
            self, request, queryset.filter(revoked_at__isnull=True), services.entitlement_revoke, "withdrawn"
        )
