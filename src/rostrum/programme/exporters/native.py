"""The native JSON programme (docs/programme.schema.json): everything an import needs to rebuild the event.

Times are written in the event's time zone with their UTC offset; lists come in a stable order (rooms and
presentations by position, people by code, sessions by time) so that two exports of one programme are equal.
"""

import json

from django.db.models import Prefetch

from rostrum.programme import selectors
from rostrum.programme.enums import SessionRole
from rostrum.programme.models import Event, Organisation

SCHEMA_ID = "urn:rostrum:programme:1"
FORMAT_VERSION = 1


def export_native(event: Event) -> bytes:
    tz = event.tz

    def when(value):
        return value.astimezone(tz).isoformat() if value else None

    societies = list(event.supporting_societies.all())
    sessions = list(
        selectors.session_list(event=event, with_presentations=True).prefetch_related(
            Prefetch("supporting_organisations", queryset=Organisation.objects.order_by("name"))
        )
    )
    organisations = {o.name: o for o in societies}
    topics, audiences, session_types = {}, {}, {}
    for session in sessions:
        organisations.update((o.name, o) for o in session.supporting_organisations.all())
        topics.update((t.slug, t) for t in session.topics.all())
        audiences.update((a.slug, a) for a in session.audiences.all())
        if session.session_type:
            session_types[session.session_type.code] = session.session_type

    document = {
        "$schema": SCHEMA_ID,
        "format_version": FORMAT_VERSION,
        "event": {
            "kind": event.kind,
            "slug": event.slug,
            "title": event.title,
            "acronym": event.acronym,
            "description": event.description,
            "timezone": event.timezone,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "venue": event.venue,
            "is_online": event.is_online,
            "is_published": event.is_published,
            "organiser": event.organiser,
            "supporting_societies": sorted(o.name for o in societies),
            "language": event.language,
            "url": event.url,
            "on_demand_until": when(event.on_demand_until),
        },
        "session_types": [
            {
                "code": t.code,
                "slug": t.slug,
                "name": t.name,
                "description": t.description,
                "position": t.position,
            }
            for t in sorted(session_types.values(), key=lambda t: t.code)
        ],
        "topics": [{"slug": t.slug, "name": t.name} for t in sorted(topics.values(), key=lambda t: t.slug)],
        "audiences": [
            {"slug": a.slug, "name": a.name} for a in sorted(audiences.values(), key=lambda a: a.slug)
        ],
        "organisations": [
            {"name": o.name, "acronym": o.acronym, "url": o.url}
            for o in sorted(organisations.values(), key=lambda o: o.name)
        ],
        "rooms": [
            {
                "name": r.name,
                "slug": r.slug,
                "position": r.position,
                "capacity": r.capacity,
                "description": r.description,
            }
            for r in selectors.room_list(event=event)
        ],
        "people": [
            {
                "code": p.code,
                "printed_name": p.printed_name,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "city": p.city,
                "country": p.country.code or "",
                "institution": p.institution,
                "biography": p.biography,
            }
            for p in selectors.person_list(event=event).order_by("code")
        ],
        "sessions": [_session(session, when) for session in sessions],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _session(session, when) -> dict:
    presentations = sorted(session.presentations.all(), key=lambda p: (p.position, p.starts_at, p.code))
    return {
        "code": session.code,
        "slug": session.slug,
        "title": session.title,
        "session_type": session.session_type.code if session.session_type else None,
        "topics": sorted(t.slug for t in session.topics.all()),
        "audiences": sorted(a.slug for a in session.audiences.all()),
        "level": session.level,
        "format": session.format,
        "starts_at": when(session.starts_at),
        "ends_at": when(session.ends_at),
        "room": session.room.name if session.room else None,
        "description": session.description,
        "learning_objectives": session.learning_objectives,
        "people": [{"person": r.person.code, "role": r.role} for r in session.roles.all()],
        "supporting_organisations": [o.name for o in session.supporting_organisations.all()],
        "sponsor_acknowledgement": session.sponsor_acknowledgement,
        "language": session.language,
        "status": session.status,
        "presentations": [
            {
                "code": p.code,
                "external_id": p.external_id,
                "kind": p.kind,
                "title": p.title,
                "subtitle": p.subtitle,
                "abstract": p.abstract,
                "starts_at": when(p.starts_at),
                "ends_at": when(p.ends_at),
                "language": p.language,
                "links": p.links,
                "status": p.status,
                # A plain code for a speaker; other roles (a tutor of a hands-on item) say so.
                "speakers": [
                    s.person.code
                    if s.role == SessionRole.SPEAKER
                    else {"person": s.person.code, "role": s.role}
                    for s in p.speaker_roles.all()
                ],
            }
            for p in presentations
        ],
    }
