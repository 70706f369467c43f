"""Make an event's programme equal to a checked import plan, with a fixed number of queries.

Rows are matched by their stable keys and written with bulk_create/bulk_update, so a congress of 600 sessions
and 3,000 presentations imports in seconds. bulk_update skips `TrackedChangesMixin.save()`, so the revision
(iCalendar SEQUENCE) is bumped here when a tracked field (time, room, status, session) changes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from rostrum.core.services import activity_log
from rostrum.programme.conflicts import programme_conflicts
from rostrum.programme.errors import ProgrammeError
from rostrum.programme.importers import ImportReport
from rostrum.programme.models import (
    Audience,
    Event,
    Organisation,
    Person,
    Presentation,
    PresentationSpeaker,
    Room,
    Session,
    SessionPerson,
    SessionType,
    Topic,
)
from rostrum.programme.services import (
    event_create,
    event_update,
    programme_batch,
    programme_touch,
    unique_slug,
)

BATCH = 500


@dataclass
class Plan:
    """The checked content of an import file: field values per row, references by stable key."""

    PERSON_FIELDS: ClassVar = (
        "printed_name", "given_name", "family_name", "city", "country", "institution", "biography",
    )  # fmt: skip

    event: dict
    session_types: dict[str, dict]
    topic_names: dict[str, str]
    audience_names: dict[str, str]
    organisations: dict[str, dict]
    rooms: list[dict]
    people: list[dict]
    sessions: list[dict]


def plan_apply(plan: Plan, *, event_slug: str, by=None) -> ImportReport:
    """Write `plan` into the event `event_slug` in one transaction; report what changed and the conflicts."""
    try:
        with transaction.atomic(), programme_batch():
            report = _Import(plan, by=by).run(event_slug)
    except IntegrityError as error:
        raise ProgrammeError(f"The programme could not be saved as it is ({error}).") from error
    report.conflicts = programme_conflicts(event=report.event)
    return report


def _current(obj, field: str):
    value = getattr(obj, field)
    return value.code or "" if field == "country" else value  # a CountryField reads as a Country


class _Import:
    def __init__(self, plan: Plan, *, by):
        self.plan, self.by, self.now = plan, by, timezone.now()
        self.created: dict[str, int] = {}
        self.removed: dict[str, list[str]] = {}
        # Primary keys of the rows changed (fields, links or people) and of the rows created, by kind.
        self.changed: dict[str, set[int]] = {"sessions": set(), "presentations": set()}
        self.new_pks: dict[str, set[int]] = {}

    def run(self, event_slug: str) -> ImportReport:
        self.organisations = self._organisations()
        event = self.event = self._event(event_slug)
        rooms = self._rooms()
        people = self._people()
        sessions, doomed_sessions = self._sessions(rooms)
        presentations = self._presentations(sessions)
        if doomed_sessions:
            Session.objects.filter(pk__in=doomed_sessions).delete()
        self._roles(sessions, people)
        self._speakers(presentations, people)
        updated = {kind: len(pks - self.new_pks.get(kind, set())) for kind, pks in self.changed.items()}
        created = {kind: n for kind, n in self.created.items() if n}
        updated = {kind: n for kind, n in updated.items() if n}
        report = ImportReport(event=event, created=created, updated=updated)
        for kind, keys in self.removed.items():
            shown = ", ".join(keys[:10]) + (", ..." if len(keys) > 10 else "")
            report.warnings.append(f"Removed {len(keys)} {kind} that the file no longer lists: {shown}.")
        if created or updated or self.removed:
            programme_touch(event.pk)
        activity_log(
            action="programme.imported",
            actor=self.by,
            obj=event,
            data={
                "format": "native",
                "created": created,
                "updated": updated,
                "removed": {kind: len(keys) for kind, keys in self.removed.items()},
            },
        )
        return report

    def _organisations(self) -> dict[str, int]:
        names = {*self.plan.event["supporting_societies"]}
        names.update(name for s in self.plan.sessions for name in s["supporting_organisations"])

        def build(name: str) -> Organisation:
            defined = self.plan.organisations.get(name, {})
            return Organisation(name=name, acronym=defined.get("acronym", ""), url=defined.get("url", ""))

        return self._catalogue(Organisation, "name", names, "organisations", build)

    def _event(self, slug: str) -> Event:
        fields = dict(self.plan.event)
        society_names = fields.pop("supporting_societies")
        event = Event.objects.filter(slug=slug).first()
        self.created["events"] = int(event is None)
        changed = False
        try:
            if event is None:
                event = event_create(slug=slug, by=self.by, **fields)
            elif changed := {k: v for k, v in fields.items() if getattr(event, k) != v}:
                event_update(event, by=self.by, **changed)
        except ProgrammeError as error:
            raise ProgrammeError(error.message, field=f"event.{error.field or 'slug'}") from error
        societies = {self.organisations[name] for name in society_names}
        if set(event.supporting_societies.values_list("pk", flat=True)) != societies:
            event.supporting_societies.set(societies)
            changed = True
        self.changed["events"] = {event.pk} if changed and not self.created["events"] else set()
        return event

    def _catalogue(self, model, key: str, wanted: set[str], kind: str, build: Callable) -> dict[str, int]:
        """Ids of shared catalogue entries by key; missing ones are added, existing ones left as they are."""
        found = dict(model.objects.filter(**{f"{key}__in": wanted}).values_list(key, "pk"))
        new = [build(value) for value in sorted(wanted - found.keys())]
        model.objects.bulk_create(new, batch_size=BATCH)
        self.created[kind] = len(new)
        return found | {getattr(obj, key): obj.pk for obj in new}

    def _sync(self, model, existing: dict, wanted: dict, *, kind: str, build: Callable) -> dict:
        """Update `existing` rows (by key) to the `wanted` field values, create the missing; returns all."""
        tracked = getattr(model, "TRACKED_FIELDS", ())
        changed_fields: set[str] = set()
        to_update, created = [], {}
        for key, values in wanted.items():
            obj = existing.get(key)
            if obj is None:
                created[key] = build(key, values)
                continue
            changed = [field for field, value in values.items() if _current(obj, field) != value]
            if not changed:
                continue
            for field in changed:
                setattr(obj, field, values[field])
            if tracked:
                obj.updated = self.now
                changed_fields.add("updated")
                if any(field in tracked for field in changed):
                    obj.revision += 1
                    changed_fields.add("revision")
            changed_fields.update(changed)
            to_update.append(obj)
        if to_update:
            names = sorted({model._meta.get_field(f).name for f in changed_fields})
            model.objects.bulk_update(to_update, names, batch_size=BATCH)
        model.objects.bulk_create(created.values(), batch_size=BATCH)
        self.created[kind] = len(created)
        self.new_pks[kind] = {obj.pk for obj in created.values()}
        self.changed.setdefault(kind, set()).update(obj.pk for obj in to_update)
        return existing | created

    def _remove(self, model, existing: dict, wanted, kind: str) -> dict:
        """Delete the rows the file no longer lists; returns the others."""
        doomed = [obj.pk for key, obj in existing.items() if key not in wanted]
        if doomed:
            self.removed[kind] = sorted(key for key in existing if key not in wanted)
            model.objects.filter(pk__in=doomed).delete()
        return {key: obj for key, obj in existing.items() if key in wanted}

    def _rooms(self) -> dict[str, Room]:
        wanted = {room["name"]: room for room in self.plan.rooms}
        existing = {r.name: r for r in Room.objects.filter(event=self.event)}
        existing = self._remove(Room, existing, wanted, "rooms")
        taken = {r.slug for r in existing.values()} | {r["slug"] for r in self.plan.rooms if r["slug"]}
        values = {}
        for name, room in wanted.items():
            slug = room["slug"] or (
                existing[name].slug if name in existing else unique_slug(name, taken=taken)
            )
            values[name] = {k: v for k, v in room.items() if k != "name"} | {"slug": slug}
        return self._sync(
            Room, existing, values, kind="rooms", build=lambda name, v: Room(event=self.event, name=name, **v)
        )

    def _people(self) -> dict[str, Person]:
        wanted = {person["code"]: {k: person[k] for k in Plan.PERSON_FIELDS} for person in self.plan.people}
        existing = {p.code: p for p in Person.objects.filter(event=self.event)}
        existing = self._remove(Person, existing, wanted, "people")
        return self._sync(
            Person,
            existing,
            wanted,
            kind="people",
            build=lambda code, v: Person(event=self.event, code=code, **v),
        )

    def _session_types(self) -> dict[str, int]:
        plan = self.plan
        used = {s["session_type"] for s in plan.sessions if s["session_type"]}
        known = dict(
            SessionType.objects.filter(code__in=used | plan.session_types.keys()).values_list("code", "pk")
        )
        for session in plan.sessions:
            code = session["session_type"]
            if code and code not in known and code not in plan.session_types:
                raise ProgrammeError(
                    f"there is no session type '{code}' in the catalogue; expected a known code "
                    "(RC, NH, ...) or a definition in the file's session_types.",
                    field=f"{session['path']}.session_type",
                )
        taken = set(SessionType.objects.values_list("slug", flat=True))

        def build(code: str) -> SessionType:
            defined = plan.session_types[code]
            slug = unique_slug(defined.get("slug") or code, taken=taken, max_length=60)
            return SessionType(**defined | {"slug": slug})

        return known | self._catalogue(
            SessionType, "code", plan.session_types.keys() - known.keys(), "session types", build
        )

    def _named(self, model, relation: str, names: dict[str, str]) -> dict[str, int]:
        def build(slug: str):
            return model(slug=slug, name=names.get(slug) or slug.replace("-", " ").capitalize())

        slugs = {slug for s in self.plan.sessions for slug in s[relation]}
        return self._catalogue(model, "slug", slugs, relation, build)

    def _sessions(self, rooms: dict[str, Room]) -> tuple[dict[str, Session], list[int]]:
        plan = self.plan
        types = self._session_types()
        catalogues = {
            "topics": self._named(Topic, "topics", plan.topic_names),
            "audiences": self._named(Audience, "audiences", plan.audience_names),
            "supporting_organisations": self.organisations,
        }
        wanted = {s["code"]: s for s in plan.sessions}
        existing = {s.code: s for s in Session.objects.filter(event=self.event)}
        doomed = [s.pk for code, s in existing.items() if code not in wanted]
        if doomed:
            # Their slugs are freed now; the rows go once presentations that move elsewhere have moved.
            self.removed["sessions"] = sorted(code for code in existing if code not in wanted)
            freed = Concat(models.Value("removed-"), Cast("pk", models.CharField()))
            Session.objects.filter(pk__in=doomed).update(slug=freed)
            existing = {code: s for code, s in existing.items() if code in wanted}
        taken = {s.slug for s in existing.values()} | {s["slug"] for s in plan.sessions if s["slug"]}
        values = {}
        for code, s in wanted.items():
            slug = s["slug"] or (existing[code].slug if code in existing else unique_slug(code, taken=taken))
            values[code] = s["fields"] | {
                "slug": slug,
                "session_type_id": types[s["session_type"]] if s["session_type"] else None,
                "room_id": rooms[s["room"]].pk if s["room"] else None,
            }
        sessions = self._sync(
            Session,
            existing,
            values,
            kind="sessions",
            build=lambda code, v: Session(event=self.event, code=code, **v),
        )
        for relation, ids in catalogues.items():
            links = {sessions[code].pk: {ids[key] for key in s[relation]} for code, s in wanted.items()}
            self._session_links(relation, links)
        return sessions, doomed

    def _session_links(self, relation: str, wanted: dict[int, set[int]]) -> None:
        """Topics, audiences and supporting organisations of sessions, through their link tables."""
        field = Session._meta.get_field(relation)
        through, target = field.remote_field.through, field.m2m_reverse_name()
        pairs = {(session_id, target_id) for session_id, ids in wanted.items() for target_id in ids}
        rows = through.objects.filter(session__event=self.event).values_list("pk", "session_id", target)
        existing = {(session_id, target_id): pk for pk, session_id, target_id in rows}
        stale = [pk for pair, pk in existing.items() if pair not in pairs]
        if stale:
            through.objects.filter(pk__in=stale).delete()
        added = pairs - existing.keys()
        through.objects.bulk_create(
            [through(session_id=s, **{target: t}) for s, t in added], batch_size=BATCH
        )
        self.changed["sessions"].update(s for s, _ in added | (existing.keys() - pairs) if s in wanted)

    def _presentations(self, sessions: dict[str, Session]) -> dict[str, Presentation]:
        wanted = {
            p["code"]: p["fields"] | {"session_id": sessions[s["code"]].pk}
            for s in self.plan.sessions
            for p in s["presentations"]
        }
        existing = {p.code: p for p in Presentation.objects.filter(event=self.event)}
        kept = {code: p for code, p in existing.items() if code in wanted}
        presentations = self._sync(
            Presentation,
            kept,
            wanted,
            kind="presentations",
            build=lambda code, v: Presentation(event=self.event, code=code, **v),
        )
        self._remove(Presentation, existing, wanted, "presentations")
        return presentations

    def _roles(self, sessions: dict[str, Session], people: dict[str, Person]) -> None:
        wanted = {
            (sessions[s["code"]].pk, people[code].pk, role): {"position": index}
            for s in self.plan.sessions
            for index, (code, role) in enumerate(s["roles"])
        }
        rows = SessionPerson.objects.filter(session__event=self.event)
        existing = {(r.session_id, r.person_id, r.role): r for r in rows}
        self._links(SessionPerson, existing, wanted, "sessions", ("session_id", "person_id", "role"))

    def _speakers(self, presentations: dict[str, Presentation], people: dict[str, Person]) -> None:
        wanted = {
            (presentations[p["code"]].pk, people[code].pk): {"role": role, "position": index}
            for s in self.plan.sessions
            for p in s["presentations"]
            for index, (code, role) in enumerate(p["speakers"])
        }
        rows = PresentationSpeaker.objects.filter(presentation__event=self.event)
        existing = {(r.presentation_id, r.person_id): r for r in rows}
        self._links(PresentationSpeaker, existing, wanted, "presentations", ("presentation_id", "person_id"))

    def _links(self, model, existing: dict, wanted: dict, owner: str, key_fields: tuple[str, ...]) -> None:
        """People's roles: remove, reorder and add; the session or presentation counts as updated."""
        stale = [key for key in existing if key not in wanted]
        if stale:
            model.objects.filter(pk__in=[existing[key].pk for key in stale]).delete()
        to_update = []
        for key, values in wanted.items():
            row = existing.get(key)
            if row and any(getattr(row, f) != v for f, v in values.items()):
                for field, value in values.items():
                    setattr(row, field, value)
                to_update.append(row)
        if to_update:
            model.objects.bulk_update(to_update, list(next(iter(wanted.values()))), batch_size=BATCH)
        added = [key for key in wanted if key not in existing]
        new = [model(**dict(zip(key_fields, key, strict=True)), **wanted[key]) for key in added]
        model.objects.bulk_create(new, batch_size=BATCH)
        owners = {key[0] for key in [*stale, *added]} | {getattr(row, key_fields[0]) for row in to_update}
        self.changed[owner].update(owners)
