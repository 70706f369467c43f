"""An ECR-size programme, generated as a native JSON file (docs/programme.schema.json).

Scale 1: 5 days, 20 rooms, 600 sessions, 3,000 presentations, 2,500 people; scale N multiplies rooms,
sessions, presentations and people by N. Deterministic for a given scale.
"""

import datetime as dt
import json
import random
import zoneinfo

SESSION_TYPES = [
    ("RC", "Refresher Course"),
    ("RP", "Research Presentation"),
    ("SA", "State of the Art Symposium"),
    ("NH", "New Horizons"),
    ("MS", "Multidisciplinary Session"),
    ("PC", "Professional Challenges"),
    ("RT", "Round Table"),
    ("SF", "Special Focus"),
    ("TC", "Transatlantic Course"),
    ("CTIR", "Clinical Trials in Radiology"),
    ("HW", "Hands-on Workshop"),
    ("IIQ", "Image Interpretation Quiz"),
    ("OF", "Open Forum"),
    ("EU", "EuroSafe Imaging"),
]
TOPICS = [
    "Abdominal",
    "Breast",
    "Cardiac",
    "Chest",
    "Emergency",
    "Genitourinary",
    "Head and Neck",
    "Interventional",
    "Musculoskeletal",
    "Neuro",
    "Nuclear Medicine",
    "Oncologic Imaging",
    "Paediatric",
    "Physics in Medical Imaging",
    "Radiographers",
    "Vascular",
]
AUDIENCES = ["Radiologists", "Radiographers", "Residents", "Students", "Medical physicists"]
FAMILY = [
    "Müller",
    "Álvarez",
    "Kowalski",
    "Nowak",
    "Rossi",
    "Dubois",
    "Jansen",
    "Novák",
    "Larsen",
    "Papadopoulos",
]
GIVEN = ["Anna", "Marco", "Eva", "Jan", "Sofia", "Lukas", "Maria", "Piotr", "Elena", "Tomás"]
CITIES = [
    ("Vienna", "AT"),
    ("Kraków", "PL"),
    ("Riga", "LV"),
    ("Cork", "IE"),
    ("Pisa", "IT"),
    ("Boston", "US"),
]
SLOTS = [((8, 0), 90), ((10, 30), 90), ((12, 30), 60), ((14, 0), 90), ((16, 0), 90), ((18, 0), 60)]
TALKS_PER_SESSION = 5


def slugify(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def programme(scale: int = 1, *, slug: str = "ecr-bench", start: dt.date = dt.date(2031, 2, 26)) -> dict:
    rnd = random.Random(scale)
    tz = zoneinfo.ZoneInfo("Europe/Vienna")
    rooms = [{"name": f"Room {chr(65 + i % 26)}{i // 26 or ''}", "position": i} for i in range(20 * scale)]
    people = []
    for i in range(2500 * scale):
        given, family = GIVEN[i % len(GIVEN)], f"{FAMILY[(i // 10) % len(FAMILY)]}{i}"
        city, country = CITIES[i % len(CITIES)]
        people.append(
            {
                "code": f"p{i}",
                "printed_name": f"{given[0]}. {family}",
                "given_name": given,
                "family_name": family,
                "city": city,
                "country": country,
            }
        )
    sessions = []
    number = 0
    for day in range(5):
        date = start + dt.timedelta(days=day)
        for (hour, minute), minutes in SLOTS:
            begins = dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=tz)
            for room in rooms:
                number += 1
                code, type_name = SESSION_TYPES[number % len(SESSION_TYPES)]
                topic = TOPICS[number % len(TOPICS)]
                talk = dt.timedelta(minutes=minutes // TALKS_PER_SESSION)
                presentations = []
                for k in range(TALKS_PER_SESSION):
                    speaker = people[rnd.randrange(len(people))]["code"]
                    presentations.append(
                        {
                            "code": f"{code} {number}-{k + 1}",
                            "kind": "qa" if k == TALKS_PER_SESSION - 1 else "talk",
                            "title": f"{topic} imaging update {number}.{k + 1}: what to know",
                            "abstract": f"Evidence, pitfalls and practical tips in {topic.lower()} imaging.",
                            "starts_at": (begins + k * talk).isoformat(),
                            "ends_at": (begins + (k + 1) * talk).isoformat(),
                            "speakers": [] if k == TALKS_PER_SESSION - 1 else [speaker],
                        }
                    )
                sessions.append(
                    {
                        "code": f"{code} {number}",
                        "title": f"{type_name}: {topic} imaging {number}",
                        "session_type": code,
                        "topics": [slugify(topic)],
                        "audiences": [slugify(AUDIENCES[number % len(AUDIENCES)])],
                        "level": ["I", "II", "III"][number % 3],
                        "format": "hybrid" if number % 4 else "on_site",
                        "starts_at": begins.isoformat(),
                        "ends_at": (begins + dt.timedelta(minutes=minutes)).isoformat(),
                        "room": room["name"],
                        "description": f"A {type_name.lower()} on {topic.lower()} imaging.",
                        "learning_objectives": [
                            f"to understand current {topic.lower()} imaging techniques",
                            "to recognise common pitfalls",
                        ],
                        "people": [
                            {"person": people[rnd.randrange(len(people))]["code"], "role": "moderator"}
                        ],
                        "presentations": presentations,
                    }
                )
    return {
        "format_version": 1,
        "event": {
            "kind": "congress",
            "slug": slug,
            "title": f"European Congress of Radiology (benchmark, scale {scale})",
            "acronym": "ECR",
            "timezone": "Europe/Vienna",
            "start_date": start.isoformat(),
            "end_date": (start + dt.timedelta(days=4)).isoformat(),
            "venue": "Austria Center Vienna",
        },
        "session_types": [{"code": code, "name": name} for code, name in SESSION_TYPES],
        "topics": [{"slug": slugify(t), "name": t} for t in TOPICS],
        "audiences": [{"slug": slugify(a), "name": a} for a in AUDIENCES],
        "rooms": rooms,
        "people": people,
        "sessions": sessions,
    }


def programme_bytes(scale: int = 1, **kwargs) -> bytes:
    return json.dumps(programme(scale, **kwargs), ensure_ascii=False).encode()
