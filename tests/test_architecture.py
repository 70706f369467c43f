"""The dependency rules of docs/architecture.md, checked on every import in src/rostrum.

Apps have an order (a lower app never imports a higher one) and inside an app modules have layers
(enums → models → services/selectors → forms/serializers → views/api/tasks/commands).
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "rostrum"

# The app order; apps with the same rank are siblings and must not import each other either.
APP_RANK = {
    "core": 0,
    "accounts": 1,
    "programme": 2,
    "memberships": 3,
    "registration": 4,
    "streaming": 5,
    "interaction": 5,
    "cases": 5,
    "cme": 6,
}

# The layer of a module inside an app, by its first name under the app's package.
LAYER = {
    "enums": 0,
    "errors": 0,
    "models": 1,
    "signals": 1,
    "storage": 1,
    "services": 2,
    "selectors": 2,
    "permissions": 2,
    "forms": 3,
    "serializers": 3,
    "views": 4,
    "api": 4,
    "consumers": 4,
    "tasks": 4,
    "management": 4,
    "admin": 4,
    "urls": 4,
    "receivers": 4,
    "routing": 4,
    "templatetags": 4,
    "context_processors": 4,
}
HELPER_LAYER = 2  # other modules of an app (importers, exporters, ...) are services' helpers
EXEMPT = {"apps", "migrations", "__init__"}


def locate(module: str) -> tuple[str, int] | None:
    """(app, layer) of a dotted module name inside rostrum, or None for project-level modules."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "rostrum" or parts[1] not in APP_RANK:
        return None
    name = parts[2] if len(parts) > 2 else "__init__"
    return parts[1], LAYER.get(name, HELPER_LAYER)


def module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(importer: str, imported: str) -> str | None:
    source, target = locate(importer), locate(imported)
    if source is None or target is None:
        return None
    (app, layer), (other_app, other_layer) = source, target
    if app != other_app:
        if APP_RANK[other_app] >= APP_RANK[app]:
            return f"app '{app}' may not import the higher or sibling app '{other_app}'"
        if other_layer > layer:
            return f"layer {layer} module may not import {imported} (layer {other_layer})"
        return None
    if other_layer > layer:
        return f"layer {layer} module may not import {imported} (layer {other_layer}) of its own app"
    return None


def source_files() -> list[Path]:
    return [
        p
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and p.stem not in EXEMPT - {"__init__"} and p.stem != "apps"
    ]


def test_imports_follow_the_app_and_layer_order():
    problems = []
    for path in source_files():
        importer = module_name(path)
        for line, imported in imported_modules(path):
            # `from rostrum.programme import services` names a module; `from x.models import Y` a name in it
            problem = violations(importer, imported) if locate(imported) else None
            if problem:
                problems.append(f"{path.relative_to(SRC.parent)}:{line}: {problem}")
    assert problems == []


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("rostrum.programme.models", "rostrum.programme.services.session_create", False),
        ("rostrum.programme.services", "rostrum.programme.models.Session", True),
        ("rostrum.programme.views.public", "rostrum.programme.selectors.session_list", True),
        ("rostrum.programme.services", "rostrum.cme.models.Certificate", False),
        ("rostrum.cme.services", "rostrum.streaming.selectors.watched_minutes", True),
        ("rostrum.streaming.services", "rostrum.interaction.models.Question", False),
        ("rostrum.registration.models", "rostrum.programme.views.public", False),
        ("rostrum.core.services", "rostrum.accounts.models.User", False),
    ],
)
def test_the_rule_catches_what_it_should(importer, imported, allowed):
    assert (violations(importer, imported) is None) == allowed
