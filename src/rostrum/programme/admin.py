"""The staff back office of the programme (Django's admin at /admin/programme/).

Events link to their conflict report and to the import page; sessions are edited with their people and
timed presentations (speakers typed as person codes in printed order). Lists select their related rows and
pick people, rooms and types by autocomplete, so a congress of 600 sessions stays quick to browse.
Edits here bump the programme version through the programme's receivers, like any other change.
"""

from collections import Counter

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from rostrum.programme import models
from rostrum.programme.conflicts import programme_conflicts


def admin_url(obj) -> str:
    return reverse(f"admin:programme_{obj._meta.model_name}_change", args=[obj.pk])


@admin.display(description="starts (local time)", ordering="starts_at")
def local_start(obj) -> str:
    return f"{obj.starts_at.astimezone(obj.event.tz):%a %d %b %Y %H:%M}"


class PersonOfTheEventForm(forms.ModelForm):
    """A role's person must belong to the event of the session or presentation it is given in."""

    def clean_person(self):
        person = self.cleaned_data["person"]
        parent = getattr(self.instance, self.parent_field)
        event_id = parent.event_id or getattr(getattr(parent, "session", None), "event_id", None)
        if event_id and person.event_id != event_id:
            raise forms.ValidationError(
                f"{person} belongs to another event; choose one of this event's people."
            )
        return person


class SessionPersonForm(PersonOfTheEventForm):
    parent_field = "session"


class PresentationSpeakerForm(PersonOfTheEventForm):
    parent_field = "presentation"


class SessionPersonInline(admin.TabularInline):
    model = models.SessionPerson
    form = SessionPersonForm
    fields = ["person", "role", "position"]
    autocomplete_fields = ["person"]
    extra = 0


class PresentationSpeakerInline(admin.TabularInline):
    model = models.PresentationSpeaker
    form = PresentationSpeakerForm
    fields = ["person", "role", "position"]
    autocomplete_fields = ["person"]
    extra = 0


class PresentationInSessionForm(forms.ModelForm):
    """A presentation row of a session, with its speakers as person codes in printed order."""

    speaker_codes = forms.CharField(
        label="Speakers", required=False, help_text="Person codes in printed order, separated by commas."
    )

    class Meta:
        model = models.Presentation
        fields = ["position", "code", "kind", "title", "starts_at", "ends_at", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            codes = [role.person.code for role in self.instance.speaker_roles.all()]
            self.initial["speaker_codes"] = ", ".join(codes)

    def clean_speaker_codes(self) -> list[models.Person]:
        codes = [code.strip() for code in self.cleaned_data["speaker_codes"].split(",") if code.strip()]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError("A speaker is listed twice.")
        people = {
            p.code: p
            for p in models.Person.objects.filter(event=self.instance.session.event_id, code__in=codes)
        }
        if unknown := [code for code in codes if code not in people]:
            raise forms.ValidationError(f"No person of this event has the code {', '.join(unknown)}.")
        return [people[code] for code in codes]

    def _save_m2m(self):
        super()._save_m2m()
        if "speaker_codes" not in self.changed_data:
            return
        people = self.cleaned_data["speaker_codes"]
        roles = {role.person_id: role for role in self.instance.speaker_roles.all()}
        self.instance.speaker_roles.exclude(person__in=people).delete()
        for position, person in enumerate(people):
            role = roles.get(person.pk) or models.PresentationSpeaker(
                presentation=self.instance, person=person
            )
            role.position = position
            role.save()


class PresentationInline(admin.TabularInline):
    model = models.Presentation
    form = PresentationInSessionForm
    fk_name = "session"
    extra = 0
    show_change_link = True  # the presentation's own page edits abstract, links and speakers' roles

    def get_queryset(self, request):
        speakers = models.PresentationSpeaker.objects.select_related("person").order_by("position", "id")
        return super().get_queryset(request).prefetch_related(Prefetch("speaker_roles", queryset=speakers))


class RoomInline(admin.TabularInline):
    model = models.Room
    fields = ["name", "slug", "position", "capacity"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "slug",
        "kind",
        "start_date",
        "end_date",
        "timezone",
        "is_published",
        "staff_links",
    ]
    list_filter = ["kind", "is_online", "is_published", "timezone"]
    search_fields = ["title", "slug", "acronym", "venue", "organiser"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["supporting_societies"]
    readonly_fields = ["programme_version", "programme_changed_at"]
    date_hierarchy = "start_date"
    inlines = [RoomInline]

    @admin.display(description="programme")
    def staff_links(self, event) -> str:
        return format_html(
            '<a href="{}">Conflicts</a> · <a href="{}">Import</a> · <a href="{}">Sessions</a>',
            reverse("admin:programme_event_conflicts", args=[event.pk]),
            reverse("programme:staff-import-event", args=[event.slug]),
            reverse("admin:programme_session_changelist") + f"?event__id__exact={event.pk}",
        )

    def get_urls(self):
        conflicts = path(
            "<path:object_id>/conflicts/",
            self.admin_site.admin_view(self.conflicts_view),
            name="programme_event_conflicts",
        )
        return [conflicts, *super().get_urls()]

    def conflicts_view(self, request, object_id):
        """Every conflict of the event's programme, each with links to the rows to fix."""
        event = self.get_object(request, unquote(object_id))
        if event is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, event):
            raise PermissionDenied
        conflicts = programme_conflicts(event=event)
        rows = [
            (conflict, [(str(obj), admin_url(obj)) for obj in conflict.objects]) for conflict in conflicts
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": event,
            "title": f"Conflicts in {event}",
            "rows": rows,
            "counts": sorted(Counter(conflict.label for conflict in conflicts).items()),
            "import_url": reverse("programme:staff-import-event", args=[event.slug]),
        }
        return TemplateResponse(request, "admin/programme/event/conflicts.html", context)


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "session_type",
        local_start,
        "room",
        "format",
        "level",
        "status",
        "event",
    ]
    list_display_links = ["code", "title"]
    list_filter = [
        "event",
        "session_type",
        "format",
        "level",
        ("room", admin.RelatedOnlyFieldListFilter),
        "status",
    ]
    list_select_related = ["event", "session_type", "room"]
    list_per_page = 100
    search_fields = ["code", "title", "description", "roles__person__printed_name"]
    autocomplete_fields = ["event", "session_type", "room", "topics", "audiences", "supporting_organisations"]
    prepopulated_fields = {"slug": ["code"]}
    readonly_fields = ["revision", "guid"]
    date_hierarchy = "starts_at"
    inlines = [SessionPersonInline, PresentationInline]


@admin.register(models.Presentation)
class PresentationAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "session", local_start, "kind", "status"]
    list_filter = ["event", "kind", "status", "session__session_type"]
    list_select_related = ["event", "session"]
    list_per_page = 100
    search_fields = ["code", "title", "session__code", "speakers__printed_name"]
    autocomplete_fields = ["session"]
    readonly_fields = ["event", "revision", "guid"]
    inlines = [PresentationSpeakerInline]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["printed_name", "code", "affiliation", "institution", "event"]
    list_filter = ["event", "country"]
    list_select_related = ["event"]
    list_per_page = 100
    search_fields = [
        "printed_name",
        "given_name",
        "family_name",
        "code",
        "institution",
        "city",
        "event__slug",
    ]


@admin.register(models.Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "position", "capacity"]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["name", "slug", "event__slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"slug": ["code"]}


@admin.register(models.Topic, models.Audience)
class CatalogueAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "url"]
    search_fields = ["name", "acronym"]
