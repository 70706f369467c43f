from django.contrib import admin

from rostrum.streaming.models import LiveStream, Recording


@admin.register(LiveStream)
class LiveStreamAdmin(admin.ModelAdmin):
    list_display = ["room", "kind", "url"]
    list_filter = ["kind", "room__event"]
    search_fields = ["room__name", "room__event__title", "url"]
    autocomplete_fields = ["room"]


@admin.register(Recording)
class RecordingAdmin(admin.ModelAdmin):
    list_display = ["session", "kind", "available_from", "available_until"]
    list_filter = ["kind", "session__event"]
    search_fields = ["session__code", "session__title"]
    autocomplete_fields = ["session"]
    date_hierarchy = "available_from"
