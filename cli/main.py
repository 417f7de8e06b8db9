"""The `deescalate` command: serve, score, phrasebook check, replay, report, forget."""

from __future__ import annotations

import argparse
import asyncio
import gc
import re
import sys
from collections.abc import Sequence

from bot.config import ConfigError, load_config
from cli.config import cli_config


def version() -> str:
    """The installed package's version; from pyproject.toml when running from a checkout that is not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():  # a checkout: its own pyproject wins over whatever else is installed
        import tomllib

        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    try:
        return installed("deescalate")
    except PackageNotFoundError:
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="deescalate", description="Whisper support agents the right words when tension rises.")
    parser.add_argument("--version", action="version", version=f"deescalate {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the Slack bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on $PORT)")
    serve.add_argument("--check", action="store_true", help="check configuration, phrasebook, Redis and the Slack token (auth.test); print a table (secrets masked); exit 0 or 2")

    score = sub.add_parser("score", help="score JSONL messages from stdin, one JSON reading per line on stdout")
    score.add_argument("--language", type=_language_code, help="language of the messages: en or es "
                       "(default: DEESCALATE_LANGUAGE, else en; other codes are read with the English cues)")

    book = sub.add_parser("phrasebook", help="phrasebook tools")
    book_sub = book.add_subparsers(dest="book_command", required=True, metavar="ACTION")
    check = book_sub.add_parser("check", help="validate a phrasebook folder (default: the built-in one)")
    check.add_argument("path", nargs="?", help="folder of TOML files extending the default phrasebook")
    check.add_argument("--language", help="check only this language of the built-in book (default: every shipped language)")

    replay = sub.add_parser("replay", help="run past conversations (Slack export or JSONL) through the bot, offline")
    replay.add_argument("paths", nargs="+", metavar="PATH",
                        help="Slack exports (zip or folder) or JSONL transcripts; - reads JSONL from standard input")
    replay.add_argument("--channel", help="only this channel of an export (name or id)")
    replay.add_argument("--since", help="only threads started after this: 7d, 12h or a date like 2024-06-01")
    replay.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    replay.add_argument("--full", action="store_true", help="show every message whole, and each whisper's Why line")
    replay.add_argument("--agents", default="", help="export user ids who are agents, comma-separated (default: "
                        "whoever starts a thread is the customer)")

    report = sub.add_parser("report", help="team figures and one row per handoff, read from the store at REDIS_URL")
    report.add_argument("--since", default="7d", help="period to report: 7d, 30d, 12h or since a date like 2024-06-01 (default: 7d)")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    report.add_argument("--phrases", action="store_true",
                        help="for phrasebook authors: offered, used, clicks and tension change per kind and per phrase")
    forget = sub.add_parser("forget", help="delete what the store at REDIS_URL keeps about a user, a channel or a thread")
    target = forget.add_mutually_exclusive_group(required=True)
    target.add_argument("--user", help="a Slack user id (U…): threads where they are the customer or an agent, their handoffs")
    target.add_argument("--channel", help="a channel id (C…): every thread and handoff of the channel")
    target.add_argument("--thread", help="a thread's link (message menu ⋮ → Copy link)")
    forget.add_argument("--by", default="cli", help="who asked, for the audit line (default: cli)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "score":
        from cli.score import run

        language = args.language
        if language is None:
            config = cli_config("deescalate score")
            if config is None:
                return 2
            language = config.language
        return run(sys.stdin, sys.stdout, language)
    if args.command == "phrasebook":
        from phrasebook import main_check

        argv_check = ([args.path] if args.path else []) + (["--language", args.language] if args.language else [])
        run_language = "en"
        if args.path and not args.language:  # a team folder is merged over the language the bot runs with
            config = cli_config("deescalate phrasebook check")
            if config is None:
                return 2
            run_language = config.language
        return main_check(argv_check, sys.stdout, run_language=run_language)
    if args.command == "serve":
        return _serve(check_only=args.check)
    if args.command == "replay":
        from cli.replay.main import run as run_replay

        agents = [a for a in args.agents.split(",") if a.strip()]
        return run_replay(args.paths, channel=args.channel, since=args.since, fmt=args.format, agents=agents, full=args.full)
    if args.command == "forget":
        from cli.forget import run as run_forget

        return run_forget(user=args.user, channel=args.channel, thread=args.thread, by=args.by)
    if args.command == "report":
        from cli.report import run as run_report

        return run_report(since=args.since, fmt=args.format, phrases=args.phrases)
    return 2


def _language_code(text: str) -> str:
    code = text.strip().lower()
    if not re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", code):
        raise argparse.ArgumentTypeError(f"must be a language code like en or es, got {text!r}")
    return code


def _fail(message: str) -> int:
    print(f"deescalate: {message}", file=sys.stderr)
    return 2


def _serve(*, check_only: bool) -> int:
    config = cli_config("deescalate", mode="serve")
    if config is None:
        return 2
    from phrasebook import PhrasebookError, load_phrasebook

    try:
        book = load_phrasebook(config.phrasebook, language=config.language)
    except PhrasebookError as exc:
        problems = "\n".join(f"  {p}" for p in exc.problems)
        return _fail(f"invalid phrasebook (DEESCALATE_PHRASEBOOK):\n{problems}")
    from shell import logs

    logs.configure(config.log_level, config.log_format)
    if check_only:
        from cli import preflight

        return preflight.run(config, book, sys.stdout)
    from shell.app import build_runtime
    from shell.server import serve_forever
    from shell.slack_auth import SlackAuthRejected

    runtime = build_runtime(config, book=book)
    _tune_collector()
    try:
        asyncio.run(serve_forever(runtime))
    except KeyboardInterrupt:
        pass
    except SlackAuthRejected as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}")
    return 0


# Young objects collected every this many allocations (CPython's default is 700). A message in flight
# holds a few thousand objects across its awaits; collected that often, they get promoted to older
# generations and later cost a full pass over everything, a thread record cache included.
YOUNG_THRESHOLD = 5_000


def _tune_collector() -> None:
    """Fewer, cheaper cyclic-GC passes while serving (measured: ~115 µs of GC per angry message before)."""
    # What is loaded by now (modules, phrasebook, detector lexicon, Bolt, slack_sdk) lives as long as
    # the process: frozen, full passes stop rescanning it.
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)


if __name__ == "__main__":
    raise SystemExit(main())
