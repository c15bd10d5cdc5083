"""Imports run one way: http -> runtime -> sessions -> engine, with wire and persist as leaves.

Every ``import`` and ``from ... import`` of every module of ``engine/`` and ``server/`` is read
with ``ast`` (those inside functions and ``TYPE_CHECKING`` blocks too) and held to the table
below: a module may import its own layer and the layers its row names, nothing above.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The shared leaves at the top of server/: the domain errors, the settings, the label rule.
BASE = ("server", "server.errors", "server.config", "server.labels")

# layer -> the layers (besides its own and BASE) it may import. engine imports no server.
ALLOWED: dict[str, tuple[str, ...]] = {
    "engine": (),
    "server.wire": (),
    "server.persist": (),
    "server.sessions": ("server.wire", "server.persist"),
    "server.runtime": ("server.sessions", "server.wire", "server.persist"),
    "server.http": ("server.runtime", "server.sessions", "server.wire", "server.persist"),
}


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to: ``server.sessions.session`` ->
    ``server.sessions``; a base module -> ``"base"``; outside engine/server -> None."""
    if module in BASE:
        return "base"
    for layer in ALLOWED:
        if module == layer or module.startswith(layer + "."):
            return layer
    if module.startswith("server."):
        return "server (no layer)"
    return None


def imported(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, dotted name) of every engine/server module ``source`` imports; ``from server
    import errors`` names ``server.errors``, relative imports are resolved against
    ``module``."""
    names: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            names.append((node.lineno, base))
            names += [(node.lineno, f"{base}.{alias.name}") for alias in node.names
                      if layer_of(f"{base}.{alias.name}") not in (None, "server (no layer)")
                      and base in ("server", "engine")]
    return [(line, name) for line, name in names if name.split(".")[0] in ("engine", "server")]


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    """Every import of ``source`` (the text of ``module``) that runs back up."""
    own = layer_of(module)
    found = []
    for line, name in imported(source, module, is_package):
        target = layer_of(name)
        if own == "engine":
            ok = target == "engine"
        elif own == "base":
            ok = target == "base" or target == "engine"
        else:
            ok = (target in (own, "base", "engine") or target in ALLOWED.get(own or "", ()))
        if not ok:
            found.append(f"{module}:{line} ({own}) imports {name} ({target})")
    return found


def modules() -> list[tuple[str, Path]]:
    out = []
    for top in ("engine", "server"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out.append((".".join(parts), path))
    return out


def test_every_server_module_sits_in_a_layer() -> None:
    loose = [name for name, _ in modules() if layer_of(name) == "server (no layer)"]
    assert loose == [], f"server/ modules outside http, runtime, sessions, persist, wire: {loose}"


def test_imports_run_one_way() -> None:
    found = []
    for name, path in modules():
        found += violations(name, path.read_text(), is_package=path.name == "__init__.py")
    assert found == [], "imports that run back up:\n" + "\n".join(found)


def test_the_rule_sees_a_back_edge() -> None:
    """The check itself: each kind of back edge the issue names is caught, a down edge is not."""
    assert violations("server.sessions.session", "from server.http.bodies import json_body\n")
    assert violations("server.wire.tensors", "from server.sessions.session import Session\n")
    assert violations("server.persist.sqlite_store", "from server.sessions import session\n")
    assert violations("engine.trainer", "import server.errors\n")
    assert violations("server.runtime.worker", "from server import http\n") == [
        "server.runtime.worker:1 (server.runtime) imports server.http (server.http)"]
    assert violations("server.sessions.cells", "from ..http import app\n")
    assert violations("server.errors", "from server.sessions import session\n")
    assert violations("server.http.app", "from server.runtime.manager import SessionManager\n"
                      "from server.sessions.session import Session\nimport numpy\n") == []
    assert violations("server.sessions.session", "from server.wire import tensors\n"
                      "from server.persist.blob_codec import pack\n") == []


# What server/http may import of server/runtime: the seam, and the CLI's data-dir lock.
SEAM = "server.runtime.session_runtime"
HTTP_MAY_USE = {SEAM: None, "server.runtime.data_lock": {"server.http.cli"}}


def runtime_imports(module: str, source: str) -> list[str]:
    """The server.runtime modules ``module`` imports outside what HTTP_MAY_USE allows it."""
    found = []
    for line, name in imported(source, module, is_package=False):
        if layer_of(name) != "server.runtime":
            continue
        base = name if name in HTTP_MAY_USE else name.rsplit(".", 1)[0]
        allowed = HTTP_MAY_USE.get(base, set())
        if base not in HTTP_MAY_USE or (allowed is not None and module not in allowed):
            found.append(f"{module}:{line} imports {name}")
    return found


def test_http_reaches_sessions_only_through_the_runtime_seam() -> None:
    """Routes and the WebSocket use app.state.runtime (a SessionRuntime), never the manager,
    the worker pool or a session's lock; only the app builds the runtime (open_runtime)."""
    found = []
    builders = []
    for name, path in modules():
        if layer_of(name) != "server.http":
            continue
        source = path.read_text()
        found += runtime_imports(name, source)
        if "InProcessRuntime" in source or "open_runtime" in source:
            builders.append(name)
    assert found == [], "server/http imports runtime internals:\n" + "\n".join(found)
    assert builders == ["server.http.app"]


def test_the_seam_rule_sees_a_way_around_it() -> None:
    assert runtime_imports("server.http.routes.forward",
                           "from server.runtime.worker import with_session\n")
    assert runtime_imports("server.http.websocket",
                           "from server.runtime.manager import SessionManager\n")
    assert runtime_imports("server.http.app", "import server.runtime.data_lock\n")
    assert runtime_imports("server.http.app", "from server.runtime import worker\n")
    assert runtime_imports("server.http.routes.forward",
                           "from server.runtime.session_runtime import SessionRuntime\n") == []
    assert runtime_imports("server.http.cli",
                           "from server.runtime.data_lock import lock_data_dir\n") == []
