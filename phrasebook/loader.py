"""Read phrasebook folders, merge a team's folder over the default by id, and report every problem.

Layout of a folder (the default book lives in phrasebook/<language>/):
    <kind>.toml   [[phrase]] entries for one kind (file name = kind, see KINDS)
    coach.toml    [[rule]] entries for the wording coach
    boundary.toml also holds [[cue]] entries: patterns that show an agent set a boundary step in
                  their own words (the ladder climbs only once the agent has set the current step)
A team folder (DEESCALATE_PHRASEBOOK) holds the same files, either directly or in a
<language>/ subfolder; an entry whose id exists in the default replaces the fields it sets,
`disabled = true` removes it, and a new id adds a phrase.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.vocabulary import LEVELS, TRIGGERS
from phrasebook.fill import template_problems
from phrasebook.model import (
    BOUNDARY_STEPS,
    COACH_FILE,
    BoundaryCue,
    KINDS,
    REGISTERS,
    CoachRule,
    Phrase,
    Phrasebook,
    PhrasebookError,
    Problem,
)

DEFAULT_ROOT = Path(__file__).resolve().parent
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_PHRASE_FIELDS = {"id", "text", "triggers", "levels", "step", "register", "disabled"}
_RULE_FIELDS = {"id", "patterns", "why", "reframe", "disabled"}
_CUE_FIELDS = {"id", "patterns", "unless", "step", "disabled"}
# The tables each kind of file may hold: [[phrase]] everywhere, [[rule]] in coach.toml, [[cue]] in boundary.toml.
_FIELDS = {"phrase": _PHRASE_FIELDS, "rule": _RULE_FIELDS, "cue": _CUE_FIELDS}
_GROUP_REF = re.compile(r"\\(?:g<)?(\d+)")


@dataclass
class _Entry:
    """One [[phrase]], [[rule]] or [[cue]] table as read, with where it came from."""

    kind: str  # a phrase kind, or COACH_FILE for rules
    fields: dict[str, Any]
    file: str


@dataclass
class _Layer:
    phrases: dict[str, _Entry]
    rules: dict[str, _Entry]
    cues: dict[str, _Entry]


def shipped_languages() -> tuple[str, ...]:
    """Languages the package ships a default phrasebook for."""
    return tuple(sorted(p.name for p in DEFAULT_ROOT.iterdir() if p.is_dir() and any(p.glob("*.toml"))))


def load_phrasebook(custom: str | Path | None = None, language: str = "en") -> Phrasebook:
    """The default book for `language`, with a team folder merged over it; raises PhrasebookError."""
    problems, book = _build(custom, language)
    if problems:
        raise PhrasebookError(problems)
    return book


def check_phrasebook(path: str | Path | None = None, language: str = "en") -> list[Problem]:
    """Every problem in the default book (path=None) or in a team folder merged over it."""
    problems, _ = _build(path, language)
    return problems


def _build(custom: str | Path | None, language: str) -> tuple[list[Problem], Phrasebook]:
    problems: list[Problem] = []
    base_dir = DEFAULT_ROOT / language
    if not base_dir.is_dir() and not (custom is not None and (Path(custom) / language).is_dir()):
        # Named after the variable that chose it: "missing kind" fourteen times would point at the wrong fix.
        shipped = ", ".join(shipped_languages())
        problems.append(Problem("DEESCALATE_LANGUAGE", None, f"no phrasebook for language {language!r}: the package "
                                f"ships {shipped}; for another, put a complete {language}/ folder in DEESCALATE_PHRASEBOOK"))
        return problems, Phrasebook(language=language, by_kind={}, rules=(), cues=())
    base = _read_folder(base_dir, _display_default, problems) if base_dir.is_dir() else _Layer({}, {}, {})
    where = _display_default(base_dir)
    if custom is not None:
        root = Path(custom)
        if not root.is_dir():
            problems.append(Problem(str(root), None, "not a folder (DEESCALATE_PHRASEBOOK must name a folder)"))
        else:
            folder = root / language if (root / language).is_dir() else root
            team = _read_folder(folder, str, problems)
            _merge(base.phrases, team.phrases, problems)
            _merge(base.rules, team.rules, problems)
            _merge(base.cues, team.cues, problems)
            where = str(folder)
    by_kind = _phrases(base.phrases, problems)
    rules = _rules(base.rules, problems)
    cues = _cues(base.cues, problems)
    for kind in KINDS:
        if not by_kind.get(kind):
            problems.append(Problem(where, None, f"missing kind {kind!r}: no phrases (add {kind}.toml)"))
    present = {p.step for p in by_kind.get("boundary", ())}
    if by_kind.get("boundary"):
        for step in BOUNDARY_STEPS:
            if step not in present:
                problems.append(Problem(where, None, f"missing boundary step {step}: no boundary phrase has step = {step}"))
    return problems, Phrasebook(language=language, by_kind=by_kind, rules=rules, cues=cues)


def _display_default(path: Path) -> str:
    return str(path.relative_to(DEFAULT_ROOT.parent))


def _read_folder(folder: Path, display, problems: list[Problem]) -> _Layer:
    layer = _Layer({}, {}, {})
    for path in sorted(folder.glob("*.toml")):
        file = display(path)
        kind = path.stem
        if kind not in KINDS and kind != COACH_FILE:
            problems.append(Problem(file, None, f"unknown kind {kind!r}{_did_you_mean(kind, KINDS + (COACH_FILE,))}; "
                                                f"a file is named after its kind: {', '.join(KINDS)} or coach"))
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            problems.append(Problem(file, None, f"invalid TOML: {err}"))
            continue
        tables = ("rule",) if kind == COACH_FILE else ("phrase", "cue") if kind == "boundary" else ("phrase",)
        expected = " or ".join(f"[[{t}]]" for t in tables)
        for key in data:
            if key not in tables:
                problems.append(Problem(file, None, f"unknown top-level key {key!r} (expected {expected} tables)"))
        for table in tables:
            entries = data.get(table, [])
            if not isinstance(entries, list):
                problems.append(Problem(file, None, f"{table!r} must be an array of tables, written [[{table}]]"))
                continue
            target = {"rule": layer.rules, "cue": layer.cues, "phrase": layer.phrases}[table]
            for index, raw in enumerate(entries, start=1):
                entry = _read_entry(kind, table, raw, file, index, problems)
                if entry is None:
                    continue
                entry_id = entry.fields["id"]
                if entry_id in target:
                    problems.append(Problem(file, entry_id, f"duplicate id (also in {target[entry_id].file})"))
                    continue
                target[entry_id] = entry
    return layer


def _read_entry(kind: str, table: str, raw: Any, file: str, index: int, problems: list[Problem]) -> _Entry | None:
    """Type- and vocabulary-check one table; keeps the valid fields so later checks see what is there."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"{'cue' if table == 'cue' else 'entry'} {index}", "must be a table"))
        return None
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        problems.append(Problem(file, f"{'cue' if table == 'cue' else 'entry'} {index}", "missing or invalid id (lowercase letters, digits, . _ -)"))
        return None
    before = len(problems)
    say = lambda reason: problems.append(Problem(file, entry_id, reason))  # noqa: E731
    allowed = _FIELDS[table]
    fields: dict[str, Any] = {"id": entry_id}
    for key, value in raw.items():
        if key not in allowed:
            say(f"unknown field {key!r}{_did_you_mean(key, tuple(allowed))}")
        elif key != "id":
            checked = _check_field(kind, key, value, say)
            if checked is not None:
                fields[key] = checked
    if len(problems) > before:
        return None  # already reported; merging a half-valid entry would only echo the same mistake
    return _Entry(kind, fields, file)


def _check_field(kind: str, key: str, value: Any, say) -> Any:
    if key == "disabled":
        return value if isinstance(value, bool) else say("disabled must be true or false")
    if key in ("text", "why", "reframe") and not isinstance(value, str):
        return say(f"{key} must be a string")
    if key == "text":
        if not value.strip():
            return say("empty text")
        for reason in template_problems(value):
            say(reason)
        return value.strip()
    if key == "why":
        return value.strip() or say("empty why")
    if key == "reframe":
        return value  # may be empty: the rewrite then simply drops the words
    if key == "register":
        if value not in REGISTERS:
            return say(f"unknown register {value!r} (known: {', '.join(REGISTERS)})")
        return value
    if key == "step":
        if kind != "boundary":
            return say("step is only for boundary phrases")
        if not isinstance(value, int) or isinstance(value, bool) or value not in BOUNDARY_STEPS:
            return say("step must be 1 (request), 2 (final warning) or 3 (ending the conversation)")
        return value
    if key in ("triggers", "levels", "patterns", "unless"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return say(f"{key} must be a list of strings")
        if key == "triggers":
            known = sorted(TRIGGERS)
            bad = [v for v in value if v not in TRIGGERS]
            for tag in bad:
                say(f"unknown trigger {tag!r}" + (_did_you_mean(tag, known) or f" (known: {', '.join(known)})"))
            return None if bad else frozenset(value)
        if key == "levels":
            bad = [v for v in value if v not in LEVELS]
            for tag in bad:
                say(f"unknown level {tag!r} (known: {', '.join(LEVELS)})")
            return None if bad else frozenset(value)
        return _compile(value, say, key)
    return value


def _compile(patterns: list[str], say, key: str = "patterns") -> tuple[re.Pattern[str], ...] | None:
    if not patterns:
        return say(f"{key} must not be empty")
    compiled = []
    for pattern in patterns:
        try:
            regex = re.compile(pattern, re.IGNORECASE)
        except re.error as err:
            say(f"invalid pattern {pattern!r}: {err}")
            continue
        if regex.search(""):
            say(f"pattern {pattern!r} matches empty text")
            continue
        compiled.append(regex)
    return tuple(compiled) if len(compiled) == len(patterns) else None


def _merge(base: dict[str, _Entry], team: dict[str, _Entry], problems: list[Problem]) -> None:
    """Apply a team layer: same id → override the fields it sets; disabled → remove; new id → add."""
    for entry_id, entry in team.items():
        current = base.get(entry_id)
        if current is not None and current.kind != entry.kind:
            problems.append(Problem(entry.file, entry_id, f"id belongs to kind {current.kind!r} in the default "
                                                          f"({current.file}); override it in {current.kind}.toml"))
            continue
        if entry.fields.get("disabled"):
            if current is None:
                problems.append(Problem(entry.file, entry_id, "disables an id that is not in the default phrasebook"))
            base.pop(entry_id, None)
            continue
        fields = {**current.fields, **entry.fields} if current else dict(entry.fields)
        base[entry_id] = _Entry(entry.kind, fields, entry.file)


def _phrases(entries: dict[str, _Entry], problems: list[Problem]) -> dict[str, tuple[Phrase, ...]]:
    by_kind: dict[str, list[Phrase]] = {kind: [] for kind in KINDS}
    for entry_id, entry in entries.items():
        f = entry.fields
        if f.get("disabled"):
            continue
        if "text" not in f:
            problems.append(Problem(entry.file, entry_id, "empty text (a new phrase needs text)"))
            continue
        if entry.kind == "boundary" and "step" not in f:
            problems.append(Problem(entry.file, entry_id, "boundary phrase needs step = 1, 2 or 3"))
            continue
        by_kind[entry.kind].append(
            Phrase(
                id=entry_id,
                kind=entry.kind,
                text=f["text"],
                triggers=f.get("triggers", frozenset()),
                levels=f.get("levels", frozenset()),
                step=f.get("step"),
                register=f.get("register", "warm"),
            )
        )
    return {kind: tuple(phrases) for kind, phrases in by_kind.items()}


def _rules(entries: dict[str, _Entry], problems: list[Problem]) -> tuple[CoachRule, ...]:
    rules = []
    for entry_id, entry in entries.items():
        f = entry.fields
        if f.get("disabled"):
            continue
        missing = [key for key in ("patterns", "why", "reframe") if key not in f]
        if missing:
            problems.append(Problem(entry.file, entry_id, f"coach rule needs {', '.join(missing)}"))
            continue
        groups = min(p.groups for p in f["patterns"])
        for number in _GROUP_REF.findall(f["reframe"]):
            if int(number) > groups:
                problems.append(Problem(entry.file, entry_id, "reframe refers to a group that not every pattern has"))
                break
        else:
            rules.append(CoachRule(entry_id, f["patterns"], f["why"], f["reframe"]))
    return tuple(rules)


def _cues(entries: dict[str, _Entry], problems: list[Problem]) -> tuple[BoundaryCue, ...]:
    cues = []
    for entry_id, entry in entries.items():
        f = entry.fields
        if f.get("disabled"):
            continue
        missing = [key for key in ("patterns", "step") if key not in f]
        if missing:
            problems.append(Problem(entry.file, entry_id, f"boundary cue needs {', '.join(missing)}"))
            continue
        cues.append(BoundaryCue(entry_id, f["step"], f["patterns"], f.get("unless", ())))
    return tuple(cues)


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
