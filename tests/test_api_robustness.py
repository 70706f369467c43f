"""Schemathesis against /api/v1/schema/: no request a client can make gets a server error, and every answer
has the shape the schema promises.

Each operation runs a bounded, derandomized set of generated requests against a programme that looks like a
real one (an unpublished event too), so a failure reproduces on every machine.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rostrum.programme.enums import Level, PresentationKind, SessionFormat, SessionRole
from tests.factories.programme import (
    AudienceFactory,
    EventFactory,
    OrganisationFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    SessionFactory,
    SessionPersonFactory,
    SessionTypeFactory,
    TopicFactory,
    vienna,
)

SCHEMA_URL = "/api/v1/schema/?format=json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def programme(db):
    """A published congress with typed, tagged sessions and talks, and a draft event that must stay hidden."""
    event = EventFactory(slug="ecr-2030", acronym="ECR", organiser="European Society of Radiology")
    event.supporting_societies.add(
        OrganisationFactory(name="ESPR", acronym="ESPR", url="https://espr.org"),
        OrganisationFactory(name="Society without a website"),
    )
    refresher = SessionTypeFactory(code="RC", slug="refresher-course", name="Refresher Course")
    for number, (hour, level) in enumerate(((9, Level.I), (11, Level.II), (14, Level.III)), start=1):
        session = SessionFactory(
            event=event,
            code=f"RC {number}",
            session_type=refresher,
            level=level,
            format=SessionFormat.HYBRID,
            starts_at=vienna(4, hour),
            description="Imaging of the paediatric chest.",
            learning_objectives=["Recognise pneumonia", "Choose the right modality"],
        )
        session.topics.add(TopicFactory(slug="paediatric"))
        session.audiences.add(AudienceFactory(slug="residents"))
        SessionPersonFactory(session=session, role=SessionRole.MODERATOR)
        talk = PresentationFactory(session=session, title="Müller and Álvarez on ultrasound")
        PresentationSpeakerFactory(presentation=talk)
        PresentationFactory(session=session, kind=PresentationKind.QA, starts_at=talk.ends_at)
    SessionFactory(event=event, room=None, starts_at=vienna(5, 9))
    draft = EventFactory(slug="draft-2031", is_published=False)
    PresentationSpeakerFactory(presentation=PresentationFactory(session=SessionFactory(event=draft)))
    return event


@pytest.fixture
def wsgi_app(db):
    """The site's WSGI application, keeping the test's database connection open between requests.

    Django closes a connection at the end of a request when it is not in autocommit, as the test's transaction
    is not; its test client unhooks that for the same reason.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, programme):
    loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)

    # Random slugs only ever find nothing (404): many requests name the real event and session instead, so
    # the fuzzed filters and pages run over real rows and their answers are checked against the schema.
    @loaded.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters:
            return st.just(path_parameters)
        real = {"event": programme.slug, "session": "rc-1"}
        named = {name: real[name] for name in path_parameters if name in real}
        return st.sampled_from([path_parameters, {**path_parameters, **named}])

    @loaded.hook
    def flatmap_query(context, query):
        # A random page is nearly always past the last one (404): the real variants also ask for the first.
        query = query or {}
        first_page = {name: value for name, value in query.items() if name != "page"}
        if any(parameter.name == "event" for parameter in context.operation.query):
            real = {**query, "event": programme.slug}
            return st.sampled_from([query, real, {**first_page, "event": programme.slug}])
        return st.sampled_from([query, first_page])

    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")
fuzzing = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    # Explicit examples and generated ones; no shrinking, whose time is better spent on the next operation.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.include(method="GET").parametrize()
@fuzzing
def test_every_read_answers_without_server_error_and_as_documented(case):
    case.call_and_validate(checks=CHECKS)


@schema.include(path="/api/v1/me/agenda/").exclude(method="GET").parametrize()
@fuzzing
def test_agenda_changes_refuse_anonymous_users(case):
    response = case.call()

    case.validate_response(response, checks=CHECKS)
    assert response.status_code in {401, 403}
