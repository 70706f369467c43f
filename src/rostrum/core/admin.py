from django.contrib import admin

from rostrum.core.models import ActivityLog

admin.site.site_header = "Rostrum back office"
admin.site.site_title = "Rostrum back office"
admin.site.index_title = "Congresses, programmes and members"


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ["created", "action", "object_repr", "actor"]
    list_filter = ["action", "content_type"]
    search_fields = ["action", "object_repr", "actor__email"]
    date_hierarchy = "created"
    readonly_fields = [f.name for f in ActivityLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
