"""awslogs-drift: detect (check + diff), fix, verify and report drift."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import yaml

from awslogs_drift import __version__
from awslogs_drift.cloudwatch import CloudWatchError, send_summary
from awslogs_drift.drift import DriftRun, drift_fix
from awslogs_drift.events import RunResult
from awslogs_drift.exitcodes import ExitCode, help_text
from awslogs_drift.lock import LockError, LockHeldError, default_lock_file, exclusive
from awslogs_drift.report import ReportError, build_report, check_writable, summary_lines, write_report
from awslogs_drift.runner import PlaybookRun, run_playbook
from awslogs_drift.signals import SignalWatch

PROG = "awslogs-drift"
# The overall timeout's default: below the schedule's hourly timer (roles/awslogs_drift_schedule).
DEFAULT_TIMEOUT = "50min"
_DURATION_RE = re.compile(r"(\d+)\s*(s|sec|m|min|h)?")
_UNIT_S = {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


class UsageError(Exception):
    """Bad input: the message says what to change."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse exits 2 on bad arguments; 2 means "drift fixed" here.
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def duration(text: str) -> float:
    """Seconds of a duration: 3000, 90s, 50min (or 50m), 1h."""
    match = _DURATION_RE.fullmatch(text.strip())
    if not match or int(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"must be a duration above 0 like 3000, 90s, 50min or 1h, got {text!r}")
    return float(int(match[1]) * _UNIT_S[match[2] or ""])


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, description=f"{__doc__}\n\n{help_text()}", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    env = os.environ.get
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--project-dir",
        default=env("AWSLOGS_DRIFT_PROJECT_DIR", "."),
        help="the playbook project (its ansible.cfg applies); default: the current directory",
    )
    parser.add_argument("--playbook", default="site.yml", help="relative to the project directory (default: site.yml)")
    parser.add_argument(
        "-i", "--inventory", action="append", default=[], help="inventory source (repeatable; default: ansible.cfg's)"
    )
    parser.add_argument("-l", "--limit", default="", help="limit to a subset of hosts (as ansible-playbook --limit)")
    parser.add_argument("-t", "--tags", default="", help="only tasks with these tags")
    parser.add_argument("--skip-tags", default="", help="skip tasks with these tags")
    parser.add_argument(
        "-e",
        "--extra-vars",
        action="append",
        default=[],
        metavar="VARS",
        help="key=value pairs, a JSON/YAML mapping, or @file (repeatable)",
    )
    parser.add_argument("-f", "--forks", type=int, default=0, help="parallel hosts (default: ansible.cfg's)")
    parser.add_argument("--detect-only", action="store_true", help="report drift, change nothing")
    parser.add_argument(
        "--timeout",
        type=duration,
        default=duration(DEFAULT_TIMEOUT),
        metavar="DURATION",
        help=f"stop the run after this long (3000, 90s, 50min, 1h; default {DEFAULT_TIMEOUT}), "
        f"exit {int(ExitCode.TIMEOUT)}",
    )
    parser.add_argument("--report", type=Path, help="write the JSON report here")
    parser.add_argument(
        "--lock-file",
        type=Path,
        default=env("AWSLOGS_DRIFT_LOCK_FILE") or default_lock_file(),
        help="the run lock (default: ~/.awslogs-drift.lock of the user that runs, for manual and timer runs alike)",
    )
    parser.add_argument("--cloudwatch-group", default="", help="send the summary as one event to this log group")
    parser.add_argument("--cloudwatch-stream", default="", help="its log stream (default: this host's name)")
    parser.add_argument("--region", default=env("AWS_REGION") or env("AWS_DEFAULT_REGION"), help="for the summary")
    parser.add_argument(
        "--endpoint-url",
        default=env("AWS_ENDPOINT_URL_LOGS") or env("AWS_ENDPOINT_URL"),
        help="CloudWatch Logs endpoint for the summary (default: AWS_ENDPOINT_URL)",
    )
    parser.add_argument("--artifacts", type=Path, help="keep ansible-runner's artifacts (events) in this directory")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    return parser


def parse_extra_vars(values: list[str]) -> dict[str, Any]:
    """ansible-playbook's -e forms: key=value ..., a JSON/YAML mapping, @file."""
    merged: dict[str, Any] = {}
    for value in values:
        if value.startswith("@"):
            try:
                loaded = yaml.safe_load(Path(value[1:]).read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError) as exc:
                raise UsageError(f"cannot read extra vars from {value[1:]}: {exc}") from exc
        elif value.lstrip().startswith("{"):
            try:
                loaded = yaml.safe_load(value)
            except yaml.YAMLError as exc:
                raise UsageError(f"extra vars are not a valid mapping: {value}") from exc
        else:
            loaded = {}
            for pair in shlex.split(value):
                key, sep, item = pair.partition("=")
                if not sep or not key:
                    raise UsageError(f"extra vars must be key=value, a mapping or @file: {pair!r}")
                loaded[key] = item
        if not isinstance(loaded, dict):
            raise UsageError(f"extra vars must be a mapping: {value}")
        merged.update(loaded)
    return merged


def playbook_run(args: argparse.Namespace) -> PlaybookRun:
    """Check the arguments that name files before anything runs."""
    project_dir = Path(args.project_dir).resolve()
    if not project_dir.is_dir():
        raise UsageError(f"project directory {project_dir} does not exist")
    playbook = Path(args.playbook)
    playbook = playbook if playbook.is_absolute() else project_dir / playbook
    if not playbook.is_file():
        raise UsageError(f"playbook {playbook} does not exist")
    inventory: list[str] = []
    for source in args.inventory:
        path = Path(source)
        if "," in source and not path.exists():
            inventory.append(source)  # a host list, as ansible-playbook -i host1,host2
            continue
        path = path if path.is_absolute() else Path.cwd() / path
        if not path.exists():
            raise UsageError(f"inventory {source} does not exist")
        inventory.append(str(path))
    if args.report is not None:
        try:
            check_writable(args.report)
        except ReportError as exc:
            raise UsageError(str(exc)) from exc
    return PlaybookRun(
        project_dir=project_dir,
        playbook=playbook,
        inventory=inventory,
        limit=args.limit,
        tags=args.tags,
        skip_tags=args.skip_tags,
        extravars=parse_extra_vars(args.extra_vars),
        forks=args.forks,
        keep_artifacts=args.artifacts.resolve() if args.artifacts else None,
    )


def _check_started(check: RunResult, spec: PlaybookRun) -> None:
    if not check.started and check.rc != 0:
        detail = f":\n{check.error}" if check.error else ""
        problem = f"a syntax, inventory or setup error, rc {check.rc}"
        raise UsageError(f"{spec.playbook.name} did not start ({problem}){detail}")
    if not check.hosts:
        where = f" with --limit {spec.limit!r}" if spec.limit else ""
        raise UsageError(
            f"no host matched{where}: check the inventory "
            f"({', '.join(spec.inventory) or 'the default of ansible.cfg'}) and the limit"
        )


def execute(args: argparse.Namespace, watch: SignalWatch) -> ExitCode:
    spec = playbook_run(args)
    stamp = time.strftime("%Y%m%dT%H%M%S")

    def run(check: bool, ident: str, exclude: list[str]) -> RunResult:
        watch.stop_if_signalled(ident)
        # Unique idents: kept artifacts (--artifacts) of two runs never mix.
        result = run_playbook(spec.excluding(exclude), check=check, ident=f"{stamp}-{ident}", cancel=watch)
        # A cancelled run's events are partial: the phase stops the flow.
        watch.stop_if_signalled(ident)
        if ident == "check":
            _check_started(result, spec)
        return result

    # The lock covers the report too: two runs never write it at once.
    with exclusive(args.lock_file):
        narrowed = bool(args.limit or args.tags or args.skip_tags)
        return _report(args, drift_fix(run, detect_only=args.detect_only, limited=narrowed))


def _report(args: argparse.Namespace, outcome: DriftRun) -> ExitCode:
    """Print the summary, write the report, send the summary; the exit code."""
    report = build_report(outcome, playbook=str(args.playbook), limit=args.limit, tags=args.tags)
    for line in summary_lines(report):
        print(line, flush=True)
    code = outcome.exit_code
    if args.report is not None:
        try:
            write_report(args.report, report)
        except ReportError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            code = ExitCode.USAGE
        else:
            print(f"report: {args.report}")
    if args.cloudwatch_group:
        try:
            where = send_summary(
                report,
                group=args.cloudwatch_group,
                stream=args.cloudwatch_stream,
                region=args.region,
                endpoint_url=args.endpoint_url,
            )
        except CloudWatchError as exc:
            print(f"{PROG}: warning: {exc}", file=sys.stderr)
        else:
            print(f"summary sent to CloudWatch Logs {where}")
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    watch = SignalWatch(timeout_s=args.timeout)
    watch.install()
    try:
        return int(execute(args, watch))
    except UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except LockHeldError as exc:
        print(f"{PROG}: {exc}; not starting a second run", file=sys.stderr)
        return ExitCode.LOCKED
    except LockError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except Exception as exc:
        if args.debug:
            raise
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {exc} (--debug shows where)", file=sys.stderr)
        return ExitCode.RUN_FAILED
