from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from rostrum.accounts.models import User


@admin.register(User)
class AccountAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "certificate_name", "profession", "country", "is_staff"]
    list_filter = ["is_staff", "is_active", "profession"]
    search_fields = ["email", "first_name", "last_name", "certificate_name", "institution"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "certificate_name",
                    "profession",
                    "country",
                    "institution",
                ]
            },
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
