import json
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rostrum.programme.models import Event, Session
from tests.factories.programme import RoomFactory, SessionFactory, vienna
from tests.programme.test_native_import import encode, programme


def run(*args) -> str:
    out = StringIO()
    call_command("programme", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def programme_file(tmp_path):
    path = tmp_path / "pcc.json"
    path.write_bytes(encode(programme()))
    return path


def test_import_prints_the_summary_and_no_conflicts(db, programme_file):
    out = run("import", str(programme_file), "--event", "pcc-2030")
    assert out.splitlines()[0].startswith("pcc-2030: created 1 events,")
    assert out.splitlines()[-1] == "No conflicts."
    assert Session.objects.filter(event__slug="pcc-2030").count() == 2


def test_import_prints_conflicts(db, tmp_path):
    document = programme()
    document["sessions"][1].update(starts_at="2030-03-04T10:30:00+01:00", ends_at="2030-03-04T11:30:00+01:00")
    path = tmp_path / "clash.json"
    path.write_bytes(encode(document))

    out = run("import", str(path), "--event", "pcc-2030")

    assert "1 conflicts:" in out
    assert "  Room double-booked: Channel 1: OC 1 (Mon 04 Mar 10:00-11:00) and OC 2" in out


def test_import_options_reach_the_importer(db, programme_file):
    run(
        "import",
        str(programme_file),
        "--event",
        "pcc",
        "--format",
        "native",
        "--title",
        "T",
        "--timezone",
        "UTC",
    )
    assert Event.objects.filter(slug="pcc", title="T", timezone="UTC").exists()


def test_import_guesses_the_format_from_the_extension(db, tmp_path):
    path = tmp_path / "agenda.xml"
    path.write_bytes(b"this is no schedule")
    with pytest.raises(CommandError) as raised:
        run("import", str(path), "--event", "c31")
    # The frab importer answered, not the JSON one.
    assert "JSON" not in str(raised.value)


def test_bad_file_fails_with_the_path_and_writes_nothing(db, tmp_path):
    document = programme()
    document["sessions"][1]["starts_at"] = "tomorrow"
    path = tmp_path / "bad.json"
    path.write_bytes(encode(document))
    with pytest.raises(CommandError, match=r"sessions\[1\]\.starts_at: expected an ISO 8601"):
        run("import", str(path), "--event", "pcc-2030")
    assert not Event.objects.filter(slug="pcc-2030").exists()


def test_missing_file_fails(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import", str(tmp_path / "none.json"), "--event", "x")


def test_export_writes_json_to_stdout(db):
    session = SessionFactory(room=RoomFactory(name="Room A"), starts_at=vienna(4, 9))
    document = json.loads(run("export", "--event", session.event.slug))
    assert [s["code"] for s in document["sessions"]] == [session.code]


def test_export_writes_a_file_and_reimports_unchanged(db, tmp_path, programme_file):
    run("import", str(programme_file), "--event", "pcc-2030")
    path = tmp_path / "out.json"
    run("export", "--event", "pcc-2030", "-o", str(path))
    out = run("import", str(path), "--event", "pcc-2030")
    assert out.splitlines()[0] == "pcc-2030: created nothing; updated nothing"


def test_export_of_an_unknown_event_fails(db):
    with pytest.raises(CommandError, match="There is no event 'nope'"):
        run("export", "--event", "nope")


def test_command_line_exit_codes(tmp_path):
    missing = [
        sys.executable,
        "-m",
        "rostrum",
        "programme",
        "import",
        str(tmp_path / "x.json"),
        "--event",
        "x",
    ]
    unknown = [sys.executable, "-m", "rostrum", "programme", "export", "--event", "x", "--format", "pdf"]
    env = {"ROSTRUM_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # Our own command with fixed arguments.
    assert subprocess.run(missing, capture_output=True, env=env, check=False).returncode == 1  # noqa: S603
    assert subprocess.run(unknown, capture_output=True, env=env, check=False).returncode == 2  # noqa: S603
