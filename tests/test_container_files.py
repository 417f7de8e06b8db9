"""The Dockerfile and docker-compose.yml keep what README promises: a numeric non-root user, dependencies
in their own cached layer, Redis with a memory limit and noeviction, /metrics not published to the host."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in DOCKERFILE.splitlines() if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined.splitlines() if line.strip()]


def test_the_image_runs_as_a_numeric_non_root_user() -> None:
    users = [args for op, args in instructions() if op == "USER"]
    assert users and re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1].strip()), users


def test_dependencies_are_installed_before_the_code_is_copied(tmp_path: Path) -> None:
    steps = instructions()
    first_code = next(i for i, (op, args) in enumerate(steps) if op == "COPY" and re.search(r"\b(bot|handlers|phrasebook)\b", args))
    deps = next(i for i, (op, args) in enumerate(steps) if op == "RUN" and "requirements" in args)
    assert deps < first_code
    assert [args.split()[0] for op, args in steps[:deps] if op == "COPY"] == ["pyproject.toml"]
    # the layer's own command lists exactly the project's runtime dependencies
    command = steps[deps][1].split(">", 1)[0].strip()
    script = shlex.split(command)[2]
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    listed = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    expected = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert listed.split() == expected
    assert any(op == "RUN" and "--no-deps" in args for op, args in steps[first_code:])


def test_compose_redis_has_a_memory_limit_without_eviction_and_metrics_stay_private() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert command[command.index("--maxmemory") + 1]
    assert command[command.index("--appendonly") + 1] == "yes"
    bot = compose["services"]["bot"]
    assert "ports" not in bot, "port 3000 serves /metrics too: do not publish it to the host by default"
    assert bot["env_file"] == ".env"
