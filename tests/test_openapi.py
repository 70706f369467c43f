"""The OpenAPI schema and the API documentation pages: complete, valid, and served from this site only."""

import re
from html.parser import HTMLParser

import yaml
from django.core.management import call_command

API = "/api/v1"


class Links(HTMLParser):
    """Every src and href of a page, and the bodies of any inline <script> or <style>."""

    def __init__(self):
        super().__init__()
        self.urls, self.inline, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.urls += [attrs[name] for name in ("src", "href") if attrs.get(name)]
        self._open = tag if tag == "style" or (tag == "script" and "src" not in attrs) else None

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline.append(f"<{self._open}> {data.strip()[:80]}")

    def handle_endtag(self, tag):
        self._open = None


def page_links(client, url: str) -> Links:
    response = client.get(url)
    assert response.status_code == 200
    links = Links()
    links.feed(response.content.decode())
    return links


def test_schema_generates_without_warnings_and_validates(tmp_path):
    schema_file = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = yaml.safe_load(schema_file.read_text())
    assert {
        "/api/v1/events/",
        "/api/v1/events/{event}/",
        "/api/v1/events/{event}/sessions/{session}/",
        "/api/v1/sessions/",
        "/api/v1/presentations/",
        "/api/v1/people/",
        "/api/v1/session-types/",
    } <= set(schema["paths"])


def test_schema_documents_the_session_filters_and_shapes(client, db):
    schema = yaml.safe_load(client.get(f"{API}/schema/").content)

    sessions = schema["paths"]["/api/v1/sessions/"]["get"]
    parameters = {p["name"] for p in sessions["parameters"]}
    assert parameters == {
        "event",
        "day",
        "session_type",
        "topic",
        "audience",
        "format",
        "level",
        "room",
        "page",
    }
    assert set(sessions["responses"]) == {"200", "400", "404"}
    session = schema["components"]["schemas"]["Session"]["properties"]
    assert {"people", "presentations", "local_starts_at", "timezone", "url"} <= set(session)
    assert set(schema["components"]["schemas"]["PaginatedSessionList"]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }


def test_docs_pages_load_nothing_from_other_hosts_and_run_no_inline_code(client, db):
    for page in ("docs", "redoc"):
        links = page_links(client, f"{API}/{page}/")

        assert [url for url in links.urls if not url.startswith("/")] == []
        assert links.inline == []


def test_docs_pages_scripts_are_served_here(client, db):
    for page in ("docs", "redoc"):
        scripts = re.findall(r'<script src="([^"]+)"', client.get(f"{API}/{page}/").content.decode())

        assert len(scripts) >= 2
        for script in scripts:
            response = client.get(script)
            assert (script, response.status_code) == (script, 200)
            assert "javascript" in response.headers["Content-Type"]


def test_docs_pages_keep_the_strict_csp(client, db):
    swagger = client.get(f"{API}/docs/").headers["Content-Security-Policy"]
    redoc = client.get(f"{API}/redoc/").headers["Content-Security-Policy"]

    assert "script-src 'self';" in swagger
    assert "style-src 'self';" in swagger
    assert "script-src 'self';" in redoc
    assert re.search(r"style-src 'self' 'nonce-[\w-]+';", redoc)
