"""Bench commands: python -m tests.bench {setup,engine,image,endpoint,git-server,demo,cost,faults,throughput}."""

from __future__ import annotations

import argparse
import sys

from tests.bench import demo, endpoint, git_server, imds
from tests.bench.engine import ensure_engine
from tests.bench.image import ensure_image, ensure_images
from tests.bench.process import BenchError


def _setup(_args: argparse.Namespace) -> list[str]:
    return [ensure_engine(), *ensure_images()]


def _endpoint(args: argparse.Namespace) -> list[str]:
    if args.action == "start":
        return [endpoint.start(args.port, args.enforce_iam_after, fresh=args.fresh)]
    return [endpoint.stop(args.port)]


def _imds(args: argparse.Namespace) -> list[str]:
    if args.action == "start":
        return [imds.start(args.port, args.instance_id, drop_token_response=args.drop_token_response)]
    return [imds.stop(args.port)]


def _git_server(args: argparse.Namespace) -> list[str]:
    return [git_server.start(args.port) if args.action == "start" else git_server.stop(args.port)]


def _demo(args: argparse.Namespace) -> list[str]:
    return demo.clean() if args.clean else demo.run_demo()


def _cost(args: argparse.Namespace) -> list[str]:
    from tests.bench.drift_cost import measure  # noqa: PLC0415 - a benchmark, not a bench step

    return measure([int(count) for count in args.hosts.split(",")], args.repeat)


def _faults(args: argparse.Namespace) -> list[str]:
    from tests.bench import faults  # noqa: PLC0415 - a benchmark, not a bench step

    if args.clean:
        return faults.clean()
    subjects = {"agent": faults.AGENT, "driver": faults.DRIVER}
    return faults.run_faults(args.case, [subjects[s] for s in args.subject or []], args.scale)


def _throughput(args: argparse.Namespace) -> list[str]:
    from tests.bench.throughput import measure  # noqa: PLC0415 - a benchmark, not a bench step

    return measure([int(rate) for rate in args.rates.split(",")], args.settings, args.seconds)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="a Docker engine and the base images").set_defaults(func=_setup)
    commands.add_parser("engine", help="a Docker engine").set_defaults(func=lambda _: [ensure_engine()])
    commands.add_parser("image", help="the systemd base image").set_defaults(func=lambda _: [ensure_image()])
    ep = commands.add_parser("endpoint", help="the local AWS endpoint (moto server)")
    ep.add_argument("action", choices=["start", "stop"])
    ep.add_argument("--port", type=int, required=True)
    ep.add_argument("--enforce-iam-after", type=int, default=None, help="enforce IAM after this many calls")
    ep.add_argument("--fresh", action="store_true", help="stop an endpoint this bench started there first")
    ep.set_defaults(func=_endpoint)
    md = commands.add_parser("imds", help="a local IMDSv2-only instance metadata service")
    md.add_argument("action", choices=["start", "stop"])
    md.add_argument("--port", type=int, required=True)
    md.add_argument("--instance-id", default="i-0be0c0000000000ff")
    md.add_argument("--drop-token-response", action="store_true", help="never answer the token request")
    md.set_defaults(func=_imds)
    git = commands.add_parser("git-server", help="a git repository of the checkout on 127.0.0.1 (git daemon)")
    git.add_argument("action", choices=["start", "stop"])
    git.add_argument("--port", type=int, required=True)
    git.set_defaults(func=_git_server)
    demo_parser = commands.add_parser("demo", help="one host shipping sample lines to the local endpoint")
    demo_parser.add_argument("--clean", action="store_true", help="remove the demo host and stop its endpoint")
    demo_parser.set_defaults(func=_demo)
    cost = commands.add_parser(
        "cost", help="drift-check cost against the ping floor on N converged hosts (starts N host containers)"
    )
    cost.add_argument("--hosts", default="1,4,8,16,32", help="host counts, comma-separated")
    cost.add_argument("--repeat", type=int, default=3, help="runs of each kind per count; the median is shown")
    cost.set_defaults(func=_cost)
    flt = commands.add_parser("faults", help="lines written/delivered/lost/duplicated under faults (a table)")
    flt.add_argument("--case", action="append", help="run only this case (repeatable); default: every case")
    flt.add_argument("--subject", action="append", choices=["agent", "driver"], help="the agent, Docker's driver")
    flt.add_argument("--scale", type=float, default=1.0, help="multiply every duration (0.25: a quick check)")
    flt.add_argument("--clean", action="store_true", help="remove the host, the driver's engine and the endpoint")
    flt.set_defaults(func=_faults)
    tput = commands.add_parser("throughput", help="highest rate per stream with nothing lost, p95 in bounds")
    tput.add_argument("--rates", default="250,500,1000,2000,4000", help="lines/s per stream, comma-separated")
    tput.add_argument("--settings", action="append", help="a settings name (default, tuned...); default: all")
    tput.add_argument("--seconds", type=float, default=20, help="how long each rate is written")
    tput.set_defaults(func=_throughput)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        for line in args.func(args):
            print(line, flush=True)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
