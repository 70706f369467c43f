import pytest
from django.urls import reverse

from rostrum.programme import search, selectors, services
from rostrum.programme.models import Session
from rostrum.programme.search import Query
from tests.factories.programme import (
    EventFactory,
    PersonFactory,
    PresentationFactory,
    PresentationSpeakerFactory,
    SessionFactory,
    SessionPersonFactory,
    TopicFactory,
    vienna,
)


def found(q, event=None, **kwargs):
    return [(hit.kind, hit.title) for hit in selectors.search(q=q, event=event, **kwargs).hits]


@pytest.fixture
def programme(db):
    """A published event with one of each searchable kind, indexed."""
    event = EventFactory(slug="ecr-2030")
    session = SessionFactory(event=event, code="RC 1203", slug="rc-1203", title="Liver imaging update")
    session.topics.add(TopicFactory(slug="abdominal", name="Abdominal"))
    PresentationFactory(
        session=session, title="Contrast agents in hepatic MRI", abstract="Gadoxetic acid and its pitfalls."
    )
    person = PersonFactory(event=event, code="radzina", printed_name="M. Radzina", family_name="Radzina")
    SessionPersonFactory(session=session, person=person)
    search.event_reindex(event.pk)
    return event


def test_search_finds_each_kind(programme):
    assert found("liver") == [("session", "RC 1203 Liver imaging update")]
    assert found("hepatic") == [("presentation", "Contrast agents in hepatic MRI")]
    assert found("radzina")[0] == ("person", "M. Radzina")
    assert found("abdominal")[0] == ("topic", "Abdominal")


def test_search_hits_link_to_their_pages(programme):
    hits = {hit.kind: hit for hit in selectors.search(q="radzina liver hepatic abdominal").hits}
    assert hits == {}  # no single row holds all four words
    (session,) = selectors.search(q="liver").hits
    assert (session.url, session.event_slug) == (
        reverse("programme:session", args=["ecr-2030", "rc-1203"]),
        "ecr-2030",
    )
    (person,) = [h for h in selectors.search(q="radzina").hits if h.kind == "person"]
    assert person.url == reverse("programme:person", args=["ecr-2030", "radzina"])
    (topic,) = [h for h in selectors.search(q="abdominal").hits if h.kind == "topic"]
    assert topic.url == reverse("programme:event", args=["ecr-2030"]) + "?day=all&topic=abdominal"


def test_search_ranks_title_match_above_abstract_match(db):
    event = EventFactory()
    session = SessionFactory(event=event, title="Breast screening")
    PresentationFactory(
        session=session, title="Other matters", abstract="Tomosynthesis, tomosynthesis again."
    )
    PresentationFactory(session=session, title="Tomosynthesis in practice", abstract="Screening programmes.")
    search.event_reindex(event.pk)
    assert found("tomosynthesis") == [
        ("presentation", "Tomosynthesis in practice"),
        ("presentation", "Other matters"),
    ]


def test_search_matches_without_accents_and_by_prefix(db):
    event = EventFactory()
    PersonFactory(event=event, printed_name="J. Müller", family_name="Müller")
    SessionFactory(event=event, code="", slug="elasto", title="Élastographie hépatique")
    search.event_reindex(event.pk)
    assert found("muller") == [("person", "J. Müller")]
    assert found("MÜLLER") == [("person", "J. Müller")]
    assert [kind for kind, _ in found("elastog")] == ["session"]
    assert found("elastog ") == []  # a finished word is matched whole


@pytest.mark.parametrize(
    "q",
    [
        "Q&A",
        "don't",
        "MR-guided",
        "ÄÖ",
        '"unbalanced',
        "a OR b NOT",
        "*",
        "(((",
        "NEAR(a b)",
        "-",
        "'",
        "x" * 500,
    ],
)
def test_search_survives_what_users_type(programme, q):
    page = selectors.search(q=q)
    assert page.total == len(page.hits)


def test_search_finds_words_with_punctuation(db):
    event = EventFactory()
    session = SessionFactory(event=event, code="IGT 3", title="MR-guided biopsy")
    PresentationFactory(session=session, title="Q&A and discussion")
    PresentationFactory(session=session, title="Why we don't scan")
    search.event_reindex(event.pk)
    assert found("MR-guided") == [("session", "IGT 3 MR-guided biopsy")]
    assert found("Q&A") == [("presentation", "Q&A and discussion")]
    assert found("don't") == [("presentation", "Why we don't scan")]


def test_search_empty_query_finds_nothing(programme):
    assert selectors.search(q="  ").total == 0


def test_search_respects_the_event_filter(programme):
    other = EventFactory()
    SessionFactory(event=other, code="SF 2", title="Liver transplant")
    search.event_reindex(other.pk)
    assert {h.event_slug for h in selectors.search(q="liver").hits} == {"ecr-2030", other.slug}
    assert found("liver", event=other) == [("session", "SF 2 Liver transplant")]


def test_search_hides_unpublished_events(programme):
    hidden = EventFactory(is_published=False)
    SessionFactory(event=hidden, title="Liver secrets")
    search.event_reindex(hidden.pk)
    assert found("secrets") == []
    assert found("secrets", event=hidden) == []


def test_search_pages_through_results(db):
    event = EventFactory()
    for n in range(5):
        SessionFactory(event=event, title=f"Cardiac CT {n}", starts_at=vienna(4, 8 + n))
    search.event_reindex(event.pk)
    first = selectors.search(q="cardiac", limit=2)
    last = selectors.search(q="cardiac", limit=2, offset=4)
    assert (first.total, len(first.hits), [h.title for h in last.hits]) == (5, 2, [last.hits[0].title])


def test_search_snippet_marks_the_matched_words(db):
    event = EventFactory()
    session = SessionFactory(event=event, title="Liver")
    text = "Introduction. " * 30 + "Gadoxetic acid helps in Müller's cases."
    PresentationFactory(session=session, title="Agents", abstract=text)
    search.event_reindex(event.pk)
    (hit,) = selectors.search(q="muller gadox").hits
    assert [piece for piece, matched in hit.snippet if matched] == ["Gadoxetic", "Müller"]
    assert hit.snippet_text.startswith("…")


def test_query_quotes_every_term():
    query = Query.parse('MR-guided "Q&A')
    assert (query.fts5(), query.tsquery()) == ('"mr" "guided" "q" "a"', "'mr' & 'guided' & 'q' & 'a'")


def test_search_index_follows_programme_changes(db, django_capture_on_commit_callbacks):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_create(
            event=event,
            code="NH 5",
            title="Photon-counting CT",
            starts_at=vienna(5, 9),
            ends_at=vienna(5, 10),
        )
    assert found("photon") == [("session", "NH 5 Photon-counting CT")]

    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(session, title="Spectral imaging")
    assert (found("photon"), found("spectral")) == ([], [("session", "NH 5 Spectral imaging")])

    with django_capture_on_commit_callbacks(execute=True):
        session.delete()
    assert found("spectral") == []


def test_search_reindex_is_skipped_when_the_version_is_indexed(programme):
    assert search.event_reindex(programme.pk, only_if_changed=True) == -1
    assert search.event_reindex(programme.pk) == 0  # nothing changed: nothing rewritten
    Session.objects.filter(event=programme).update(title="Spleen imaging")
    assert search.event_reindex(programme.pk) == 1
    assert found("spleen") == [("session", "RC 1203 Spleen imaging")]
    assert found("liver") == []


def test_search_speaker_finds_their_presentation(db):
    presentation = PresentationFactory(title="Lung nodules")
    person = PersonFactory(event=presentation.event, printed_name="K. Okafor", family_name="Okafor")
    PresentationSpeakerFactory(presentation=presentation, person=person)
    search.event_reindex(presentation.event_id)
    assert ("presentation", "Lung nodules") in found("okafor")


def test_search_page_shows_marked_results(client, programme):
    page = client.get(reverse("programme:search"), {"q": "gadoxetic"}).content.decode()
    assert "1 result for “gadoxetic”" in page
    assert "<mark>Gadoxetic</mark>" in page
    assert reverse("programme:session", args=["ecr-2030", "rc-1203"]) in page


def test_search_page_of_an_unknown_or_unpublished_event_is_404(client, programme):
    hidden = EventFactory(is_published=False)
    assert client.get(reverse("programme:search"), {"q": "liver", "event": "nope"}).status_code == 404
    assert client.get(reverse("programme:search"), {"q": "liver", "event": hidden.slug}).status_code == 404


def test_search_page_costs_a_fixed_number_of_queries(client, programme, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):  # event, two counts, the page, the event menu
        assert client.get(reverse("programme:search"), {"q": "liv", "event": "ecr-2030"}).status_code == 200


def test_search_api_answers_results_with_links(client, programme):
    body = client.get("/api/v1/search/", {"q": "hepatic", "event": "ecr-2030"}).json()
    (result,) = body["results"]
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert {k: result[k] for k in ("kind", "title", "snippet", "event")} == {
        "kind": "presentation",
        "title": "Contrast agents in hepatic MRI",
        "snippet": "Gadoxetic acid and its pitfalls.",
        "event": "ecr-2030",
    }
    assert result["url"].startswith("http://testserver/events/ecr-2030/sessions/rc-1203/#presentation-")


def test_search_api_pages_and_hides_unpublished_events(client, db):
    event, hidden = EventFactory(), EventFactory(is_published=False)
    for n in range(25):
        SessionFactory(event=event, title=f"Neuro {n}")
    SessionFactory(event=hidden, title="Neuro secret")
    search.event_reindex(event.pk)
    search.event_reindex(hidden.pk)
    first = client.get("/api/v1/search/", {"q": "neuro"}).json()
    second = client.get(first["next"]).json()
    assert (first["count"], len(first["results"]), len(second["results"]), second["next"]) == (
        25,
        20,
        5,
        None,
    )
    assert "secret" not in str(first) + str(second)
