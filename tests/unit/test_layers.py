"""The shape, checked by reading the imports: bot/ is pure, and no module imports one above it.

Layers, bottom first: bot/vocabulary.py · phrasebook/ · bot/ · shell/ · handlers/ · cli/. A module may
import its own layer and the ones below. (shell/app.py registers the listeners by name at start-up: it
is where the layers are put together, and it imports none of them.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bot.vocabulary", "phrasebook", "bot", "shell", "handlers", "cli")

# What the pure core may not touch: Slack, Redis, the web, the process's streams, files.
IMPURE = ("slack_bolt", "slack_sdk", "redis", "fakeredis", "aiohttp", "sys", "io", "os", "pathlib", "socket",
          "subprocess", "tomllib", "dotenv", "importlib", "phrasebook.loader", "phrasebook.check", "phrasebook.load_phrasebook",
          "phrasebook.check_phrasebook", "phrasebook.main_check", "shell", "handlers", "cli")
# The places that read outside the process, each for one stated reason.
ALLOWED = {
    "bot.config": {"os", "pathlib", "dotenv", "phrasebook.loader"},  # the one place that reads the environment and .env
    "bot.detector": {"importlib"},  # its trained weights, shipped inside the package (importlib.resources)
    "bot.detector_model": {"importlib"},  # the same, for the learned heads
}


def _modules(folder: str) -> dict[str, Path]:
    return {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
            for p in sorted((ROOT / folder).rglob("*.py"))}


def _imports(path: Path | str) -> set[str]:
    """Every absolute module an import statement names, at any depth of the file (function-level too)."""
    found: set[str] = set()
    source = path if isinstance(path, str) else path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _layer(module: str) -> int | None:
    if _names(module, "handlers.cli"):  # kept so `python3 -m handlers.cli` still runs the CLI
        module = "cli"
    for rank, prefix in sorted(enumerate(LAYERS), key=lambda r: -len(r[1])):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None


def _names(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


BOT = _modules("bot")


@pytest.mark.parametrize("module", sorted(BOT))
def test_the_core_touches_no_slack_redis_web_streams_or_files(module: str) -> None:
    allowed = ALLOWED.get(module, set())
    bad = sorted(m for m in _imports(BOT[module]) if any(_names(m, p) for p in IMPURE) and not any(_names(m, a) for a in allowed))
    assert not bad, f"{module} imports {bad}: bot/ is the pure core (move the I/O to shell/ or cli/)"
    tree = ast.parse(BOT[module].read_text(encoding="utf-8"))
    opens = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in {"open", "print", "input"}]
    assert not opens, f"{module} reads or writes files or streams at lines {opens}"


def test_no_module_imports_a_layer_above_its_own() -> None:
    wrong = []
    for folder in ("bot", "phrasebook", "shell", "handlers", "cli"):
        for module, path in _modules(folder).items():
            own = _layer(module)
            for imported in _imports(path):
                rank = _layer(imported)
                if rank is not None and own is not None and rank > own:
                    wrong.append(f"{module} -> {imported}")
    assert not wrong, "imports that point up the layers: " + ", ".join(sorted(wrong))


def test_the_phrasebook_knows_only_the_vocabulary_of_the_core() -> None:
    used = {m for path in _modules("phrasebook").values() for m in _imports(path) if _names(m, "bot")}
    assert used <= {"bot.vocabulary", "bot.vocabulary.LEVELS", "bot.vocabulary.TRIGGERS", "bot.vocabulary.SEVERE",
                    "bot.vocabulary.level_index"}, sorted(used)


def test_the_vocabulary_is_the_bottom() -> None:
    assert not {m for m in _imports(BOT["bot.vocabulary"]) if m != "__future__" and not m.startswith("__future__.")}


def test_the_check_itself_sees_a_violation() -> None:
    assert _layer("shell.store") == 3 > _layer("bot.case") == 2
    assert _layer("bot.vocabulary") == 0 < _layer("phrasebook.selector") == 1
    assert {"redis.asyncio", "redis.asyncio.Redis"} <= _imports("def f():\n    from redis.asyncio import Redis\n")


def test_the_old_cli_entry_still_runs_the_cli() -> None:
    import subprocess
    import sys

    for module in ("handlers.cli", "cli"):
        done = subprocess.run([sys.executable, "-m", module, "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout.startswith("deescalate"), (module, done.stdout, done.stderr)
