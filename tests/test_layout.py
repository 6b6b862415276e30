"""The layout every app follows (docs/decisions.md, README "Where things are"), read from the source.

Each test names the places that break the rule, so a failure says what to move where."""

from __future__ import annotations

import ast
import pathlib
from collections import defaultdict

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = (
    "bianzhi",
    "jobs",
    "archives",
    "units",
    "ledgers",
    "verification",
    "registration",
    "supervision",
    "yearbook",
    "keytasks",
    "accounts",
    "api",
    "demo",
)
# An app may import only the apps below it:
# bianzhi ← jobs ← archives ← units ← ledgers, verification, registration, supervision, yearbook, keytasks,
# accounts ← api ← demo.
_MIDDLE = ("ledgers", "verification", "registration", "supervision", "yearbook", "keytasks", "accounts")
MAY_IMPORT = {
    "bianzhi": set(),
    "jobs": {"bianzhi"},
    "archives": {"bianzhi", "jobs"},
    "units": {"bianzhi", "jobs", "archives"},
    **{app: {"bianzhi", "jobs", "archives", "units"} for app in _MIDDLE},
    "api": {"bianzhi", "jobs", "archives", "units", *_MIDDLE},
    "demo": {"bianzhi", "jobs", "archives", "units", *_MIDDLE, "api"},
}
# The parts of each app (or part of an app) where they apply; "?" marks a part an app may lack.
PARTS = {
    "accounts": ("services/", "selectors", "forms", "views/", "urls", "prints"),
    "archives": ("models", "services/", "selectors", "forms", "views/", "urls", "prints"),
    "units": ("models", "services/", "selectors", "forms", "views/", "urls", "prints"),
    "ledgers": ("models", "services/", "selectors", "forms", "views/", "urls", "prints"),
    "verification/findings": ("models", "services/", "selectors", "forms", "views/", "urls", "exports"),
    "verification/campaign": ("models", "services/", "selectors", "forms", "views/", "urls", "prints"),
    "api": ("models", "services/", "selectors", "forms", "views/", "urls", "endpoints/"),
    "jobs": ("models", "services/", "selectors", "views/", "urls"),
}
QUERY_CALLS = {
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "values_list",
    "get_object_or_404",
    "get_list_or_404",
    "raw",
    "extra",
}


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT)
            name = ".".join(rel.with_suffix("").parts)
            if name.endswith(".__init__"):
                name = name[: -len(".__init__")]
            yield name, path


MODULES = dict(_modules())


def _tree(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(name, path):
    """(imported module, line) for every import in the module, function-level ones included."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, node.lineno
            for alias in node.names:  # ``from pkg import module``
                if f"{module}.{alias.name}" in MODULES:
                    yield f"{module}.{alias.name}", node.lineno


def _project_module(imported: str) -> str | None:
    while imported:
        if imported in MODULES:
            return imported
        imported = imported.rpartition(".")[0]
    return None


def test_apps_import_only_the_apps_below_them():
    wrong = []
    for name, path in MODULES.items():
        app = name.split(".")[0]
        for imported, line in _imports(name, path):
            top = imported.split(".")[0]
            if top == "tests":
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports the test builders ({imported})")
            elif top in APPS and top != app and top not in MAY_IMPORT[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} {app} → {imported}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle_between_modules():
    graph = defaultdict(set)
    for name, path in MODULES.items():
        for imported, _ in _imports(name, path):
            target = _project_module(imported)
            # a package's __init__ importing its own submodules is how a package exposes them
            if target and target != name and not target.startswith(name + "."):
                graph[name].add(target)
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" → ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(MODULES):
        if node not in state:
            visit(node, [])
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize("where", sorted(PARTS))
def test_every_app_has_the_same_parts(where):
    missing = []
    for part in PARTS[where]:
        base = ROOT / where / part.rstrip("/")
        if part.endswith("/"):
            ok = (base / "__init__.py").exists()
        else:
            ok = base.with_suffix(".py").exists() or (base / "__init__.py").exists()
        if not ok:
            missing.append(part)
    assert not missing, f"{where} lacks {missing}"


def test_the_comparison_engine_has_no_orm():
    wrong = []
    for name, path in MODULES.items():
        if not name.startswith("verification.compare"):
            continue
        for imported, line in _imports(name, path):
            if imported.startswith(("django.db", "django.contrib")) or imported.endswith(".models"):
                wrong.append(f"{path.relative_to(ROOT)}:{line} {imported}")
            elif imported.split(".")[0] in APPS and not imported.startswith("verification.compare"):
                if not imported.startswith("bianzhi.lib"):
                    wrong.append(f"{path.relative_to(ROOT)}:{line} {imported}")
    assert not wrong, "\n".join(wrong)


def _view_modules():
    for name, path in MODULES.items():
        if ".views" in name or name.endswith("views") or name.startswith("api.endpoints."):
            yield name, path


def test_views_query_only_through_selectors():
    wrong = []
    for _, path in _view_modules():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} .objects")
            elif isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute):
                    called = func.attr
                else:  # a bare name: only the shortcuts that query (the builtin filter() is fine)
                    called = getattr(func, "id", "")
                    called = called if called.endswith("_or_404") else ""
                if called in QUERY_CALLS:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {called}()")
    assert not wrong, "\n".join(wrong)


def test_campaign_views_read_the_post_through_forms():
    wrong = []
    for name, path in _view_modules():
        if not name.startswith("verification.campaign"):
            continue
        for node in ast.walk(_tree(path)):
            # request.POST may be handed to a form; reading it by hand (.get, [..], getlist) may not
            if (
                isinstance(node, ast.Attribute | ast.Subscript)
                and isinstance(getattr(node, "value", None), ast.Attribute)
                and node.value.attr == "POST"
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not wrong, "\n".join(wrong)


def test_campaign_service_modules_stay_small():
    big = []
    campaign = ROOT / "verification" / "campaign"
    for path in sorted(
        p for part in ("services", "selectors", "views") for p in (campaign / part).rglob("*.py")
    ):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines >= 400:
            big.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not big, "\n".join(big)


# Where roles themselves are the subject: managing accounts, naming the user's roles on a page.
ROLE_READERS = ("bianzhi/roles.py", "bianzhi/context_processors.py", "bianzhi/templatetags/", "accounts/")
# Where a refusal may be raised by hand: the vocabulary itself and the two object-level checks it cannot
# see from the bottom layer — a unit's (its liaison or an office user of its region) and an account's
# (not one's own, not a superuser's, not another region's).
REFUSERS = ("bianzhi/roles.py", "units/services/common.py", "accounts/services/common.py")


def test_one_permission_vocabulary():
    wrong = []
    for name, path in MODULES.items():
        rel = str(path.relative_to(ROOT))
        if name.startswith("demo"):
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "user_roles":
                if not rel.startswith(ROLE_READERS):
                    wrong.append(f"{rel}:{node.lineno} user_roles() — ask can(user, capability)")
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if getattr(exc, "id", "") == "PermissionDenied" and not rel.startswith(REFUSERS):
                    wrong.append(f"{rel}:{node.lineno} raise PermissionDenied — use require()/authorize()")
    assert not wrong, "\n".join(wrong)
