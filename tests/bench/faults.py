"""python -m tests.bench faults: the fault benchmark (shaped like Vector's correctness harness).

Every case writes sequence-numbered lines at a fixed rate (inside the host,
or as the stdout of a container for Docker's awslogs driver), injects its
fault while the writer runs, then counts at the endpoint: written, delivered,
lost, duplicated, latency p50/p95 (written to ingested).
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.bench import docker_driver, endpoint, faults_host, project
from tests.bench.engine import ensure_engine
from tests.bench.fault_proxy import FaultProxy
from tests.bench.faults_host import BACKEND, INSTANCE_ID, MOTO_PORT, NGINX_ACCESS, PROXY_PORT
from tests.bench.image import ensure_image
from tests.bench.logs import logs_client
from tests.bench.process import BenchError, state_path
from tests.bench.sequence import Tally, Writer, new_run_id, start_writer, wait_for_tally, written

LOCK = "/tmp/awslogs-lock-faults"
AGENT, DRIVER = "agent", "docker awslogs driver"
COPYTRUNCATE_POLICY = "/etc/awslogs-bench/copytruncate-backend"
UPGRADE_AWSCLI = "awscli==1.46.2"


@dataclass
class Bench:
    """What a fault acts on; ``scale`` shortens every duration (quick checks)."""

    proxy: FaultProxy
    scale: float = 1.0
    writers: list[Writer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)

    def moto_pid(self) -> int:
        return int(state_path(f"moto-{MOTO_PORT}.pid").read_text())


@dataclass(frozen=True)
class Case:
    name: str
    subject: str
    rate: int
    seconds: float
    fault: Callable[[Bench], None] | None = None
    at: float = 0
    paths: tuple[str, ...] = (BACKEND,)
    size: int = 100
    url_port: int | None = None  # the lines are requests to a web server that logs them to paths[0]
    before: Callable[[Bench], None] | None = None
    after: Callable[[Bench], None] | None = None
    what: str = ""
    settle_s: float = 100  # how long the counter waits for missing lines (the agent recovers in ~65 s)
    expect: str = "exact"  # one of EXPECTATIONS


# What a case must show for the package's agent to pass it; Docker's driver is measured for comparison.
EXPECTATIONS = {
    "exact": "nothing lost, nothing duplicated",
    "one batch": "nothing lost, at most one batch sent again",
    "window": "nothing duplicated; copytruncate's loss window, stated",
    "compared": "measured for comparison, no pass mark",
}
BATCH_LINES = 10_000  # the agent's largest batch (batch_count): what "one batch" may re-send at most


def verdict(row: dict[str, Any]) -> str:
    """'ok', 'measured' or 'FAIL': the row against its case's expectation."""
    expect, lost, duplicated = row["expect"], row["lost"], row["duplicated"]
    if expect == "compared":
        return "measured"
    if expect == "window":
        return "ok" if duplicated == 0 else "FAIL"
    allowed = BATCH_LINES if expect == "one batch" else 0
    return "ok" if lost == 0 and duplicated <= allowed else "FAIL"


# The faults, each acting on the running bench.
def _systemctl(action: str) -> Callable[[Bench], None]:
    def fault(_bench: Bench) -> None:
        faults_host.sh(f"systemctl {action} awslogsd")

    return fault


@contextmanager
def _endpoint_held(bench: Bench) -> Iterator[None]:
    """The endpoint stopped (SIGSTOP): it accepts connections and answers nothing until resumed."""
    pid = bench.moto_pid()
    os.killpg(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.killpg(pid, signal.SIGCONT)


def _outage(bench: Bench) -> None:
    with _endpoint_held(bench):
        bench.sleep(60)


def _proxy_fault(kind: str) -> Callable[[Bench], None]:
    def fault(bench: Bench) -> None:
        bench.proxy.fault = kind
        try:
            bench.sleep(30)
        finally:
            bench.proxy.fault = None

    return fault


def _service_stopped(bench: Bench) -> None:
    faults_host.sh("systemctl stop awslogsd")
    bench.sleep(60)
    faults_host.sh("systemctl start awslogsd")


def _logrotate(policy: str) -> Callable[[Bench], None]:
    def fault(_bench: Bench) -> None:
        faults_host.sh(f"logrotate --force {policy}")

    return fault


def _copytruncate_policy(_bench: Bench) -> None:
    """The policy the role writes for a stream that asks for copytruncate (rendered by its filter)."""
    render = project.filter_plugin("awslogs_logrotate").awslogs_logrotate_policies
    stream = {**project.default_streams()[0], "logrotate": {"method": "copytruncate"}}
    (policy,) = render([stream], project.role_defaults()["awslogs_logrotate_defaults"])
    faults_host.sh(f"mkdir -p {os.path.dirname(COPYTRUNCATE_POLICY)}")
    faults_host.write(COPYTRUNCATE_POLICY, policy["content"])


def _host_restart(bench: Bench) -> None:
    faults_host.reboot()
    restarted = [
        start_writer(faults_host.NAME, w.path, rate=w.rate, duration_s=0, run_id=w.run_id, until=w.until)
        for w in bench.writers
    ]
    bench.writers.extend(restarted)


NGINX_PORT = 5112


def _nginx_with_its_own_policy(_bench: Bench) -> None:
    """Debian's nginx (its /etc/logrotate.d/nginx included) on 127.0.0.1:NGINX_PORT, then site.yml again.

    The role sees the package's policy (unless_policy) and removes its own
    awslogs-nginx-* policies: the file is rotated by Debian's policy alone.
    """
    # policy-rc.d keeps the package from starting nginx on port 80 before it listens on 127.0.0.1 only.
    faults_host.sh(
        "command -v nginx >/dev/null || (printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d"
        " && chmod +x /usr/sbin/policy-rc.d && apt-get update -q"
        " && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx; rm -f /usr/sbin/policy-rc.d)"
        " && sed -i -E '/listen \\[::\\]/d; s/^\\s*listen .*default_server;/"
        f"listen 127.0.0.1:{NGINX_PORT} default_server;/' /etc/nginx/sites-enabled/default"
        " && systemctl restart nginx"
    )
    faults_host.converge(None)
    left = faults_host.sh("ls /etc/logrotate.d/ | grep '^awslogs-nginx' || true").split()
    if left:
        raise BenchError(f"the role kept its own nginx policies next to Debian's: {left}")


STATE_DIR = "/var/lib/awslogs"


def _small_state_fs(_bench: Bench) -> None:
    faults_host.sh(
        f"systemctl stop awslogsd && rm -rf {STATE_DIR}.disk && cp -a {STATE_DIR} {STATE_DIR}.disk"
        f" && mount -t tmpfs -o size=4m tmpfs {STATE_DIR} && cp -a {STATE_DIR}.disk/. {STATE_DIR}/"
        " && systemctl start awslogsd"
    )


def _state_disk_full(bench: Bench) -> None:
    faults_host.sh(f"dd if=/dev/zero of={STATE_DIR}/filler bs=64k 2>/dev/null; df -k {STATE_DIR}", check=False)
    bench.sleep(20)
    faults_host.sh(f"rm -f {STATE_DIR}/filler")


def _state_back_on_disk(_bench: Bench) -> None:
    faults_host.sh(
        f"systemctl stop awslogsd && cp -a {STATE_DIR}/. {STATE_DIR}.disk/ && umount {STATE_DIR}"
        f" && cp -a {STATE_DIR}.disk/. {STATE_DIR}/ && rm -rf {STATE_DIR}.disk && systemctl start awslogsd"
    )


def _converge(extra_vars: dict[str, Any] | None) -> Callable[[Bench], None]:
    """site.yml with these extra variables: the role writes, its handler restarts the agent."""

    def fault(_bench: Bench) -> None:
        faults_host.converge(extra_vars)

    return fault


def _other_awscli_pin() -> dict[str, Any]:
    """The role's pins with another awscli release: pip replaces it, the handler restarts the agent."""
    pins = project.role_pip_pins("3.11")  # the bench host's Debian 12
    return {"awslogs_pip_packages": [UPGRADE_AWSCLI if p.startswith("awscli==") else p for p in pins]}


def _kill_in_flight(bench: Bench) -> None:
    """A kill -9 that surely hits a batch in flight: the endpoint holds the put, the agent dies, the put lands."""
    with _endpoint_held(bench):
        bench.sleep(7)  # longer than buffer_duration: a put is waiting for its answer
        faults_host.sh("systemctl kill -s KILL awslogsd")


def _engine_restart(_bench: Bench) -> None:
    docker_driver.restart_engine()


def _driver_container_restart(_bench: Bench) -> None:
    docker_driver.restart_container()


CASES = (
    Case("steady", AGENT, 1000, 20, what="1,000 lines/s for 20 s, nothing else"),
    Case("restart", AGENT, 1000, 20, _systemctl("restart"), 8, what="systemctl restart awslogsd after 8 s"),
    Case(
        "kill9",
        AGENT,
        1000,
        20,
        _systemctl("kill -s KILL"),
        8,
        what="systemctl kill -s KILL awslogsd after 8 s",
        expect="one batch",
    ),
    Case(
        "kill9-in-flight",
        AGENT,
        1000,
        30,
        _kill_in_flight,
        8,
        what="kill -9 of awslogsd while the endpoint holds a put (SIGSTOP 7 s)",
        expect="one batch",
    ),
    Case(
        "config-change",
        AGENT,
        1000,
        40,
        _converge({"awslogs_queue_size": 11}),
        8,
        after=_converge(None),
        what="site.yml with a changed setting after 8 s (the role's handler restarts the agent)",
    ),
    Case(
        "upgrade",
        AGENT,
        1000,
        90,
        _converge(_other_awscli_pin()),
        8,
        after=_converge(None),
        what=f"site.yml with {UPGRADE_AWSCLI} after 8 s (pip install, the handler restarts the agent)",
    ),
    Case("outage", AGENT, 200, 80, _outage, 10, what="endpoint unresponsive (SIGSTOP) for 60 s"),
    Case(
        "rotate-create",
        AGENT,
        200,
        30,
        _logrotate("/etc/logrotate.d/awslogs-backend"),
        15,
        what="logrotate --force of the role's policy (rename, create) halfway",
    ),
    Case(
        "rotate-copytruncate",
        AGENT,
        200,
        30,
        _logrotate(COPYTRUNCATE_POLICY),
        15,
        before=_copytruncate_policy,
        what="logrotate --force of a copytruncate policy (a user's choice) halfway",
        expect="window",
    ),
    Case(
        "rotate-nginx",
        AGENT,
        200,
        30,
        _logrotate("/etc/logrotate.d/nginx"),
        15,
        paths=(NGINX_ACCESS,),
        before=_nginx_with_its_own_policy,
        url_port=NGINX_PORT,
        what="real nginx, Debian's own policy (rename, create, USR1) forced halfway",
    ),
    Case("oversized", AGENT, 1, 1, size=300_000, what="one 300 KB line"),
    Case("host-restart", AGENT, 200, 40, _host_restart, 15, what="docker restart of the host (SIGRTMIN+3) after 15 s"),
    Case(
        "state-disk-full",
        AGENT,
        200,
        40,
        _state_disk_full,
        10,
        before=_small_state_fs,
        after=_state_back_on_disk,
        what="the state file's filesystem full for 20 s",
    ),
    Case("endpoint-500", AGENT, 200, 60, _proxy_fault("error500"), 10, what="endpoint answers 500 for 30 s"),
    Case("throttled", AGENT, 200, 60, _proxy_fault("throttle"), 10, what="endpoint throttles for 30 s"),
    Case("service-stopped", AGENT, 200, 80, _service_stopped, 10, what="awslogsd stopped for 60 s"),
    Case("two-streams", AGENT, 1000, 20, paths=(BACKEND, NGINX_ACCESS), what="two streams, 1,000 lines/s each"),
    Case("steady", DRIVER, 1000, 20, what="1,000 lines/s for 20 s, nothing else", expect="compared"),
    Case(
        "container-restart",
        DRIVER,
        200,
        40,
        _driver_container_restart,
        15,
        what="docker restart of the container",
        expect="compared",
    ),
    Case("outage", DRIVER, 200, 80, _outage, 10, what="endpoint unresponsive (SIGSTOP) for 60 s", expect="compared"),
    Case(
        "endpoint-500",
        DRIVER,
        200,
        60,
        _proxy_fault("error500"),
        10,
        what="endpoint answers 500 for 30 s",
        expect="compared",
    ),
    Case(
        "throttled",
        DRIVER,
        200,
        60,
        _proxy_fault("throttle"),
        10,
        what="endpoint throttles for 30 s",
        expect="compared",
    ),
    Case(
        "engine-restart",
        DRIVER,
        200,
        40,
        _engine_restart,
        15,
        what="restart of the Docker engine (its own dockerd)",
        expect="compared",
    ),
)


@dataclass(frozen=True)
class Row:
    case: Case
    tallies: list[Tally]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        total = {
            key: sum(getattr(t, key) for t in self.tallies) for key in ("written", "delivered", "lost", "duplicated")
        }
        return {
            "subject": self.case.subject,
            "case": self.case.name,
            "what": self.case.what,
            "rate": self.case.rate,
            "expect": self.case.expect,
            "streams": len(self.tallies),
            "seconds": self.seconds,
            **total,
            "p50_ms": max((t.p50_ms for t in self.tallies if t.p50_ms is not None), default=None),
            "p95_ms": max((t.p95_ms for t in self.tallies if t.p95_ms is not None), default=None),
        }


def _start_writers(case: Case, bench: Bench, run_id: str, seconds: float) -> None:
    if case.subject == DRIVER:
        docker_driver.start_writer(run_id, case.rate, seconds, case.size)
        return
    bench.writers[:] = [
        start_writer(
            faults_host.NAME,
            path,
            rate=case.rate,
            duration_s=seconds,
            run_id=f"{run_id}{index}",
            size=case.size,
            url_port=case.url_port,
        )
        for index, path in enumerate(case.paths)
    ]


def _count(case: Case, bench: Bench, run_id: str) -> list[Tally]:
    client = logs_client(MOTO_PORT)
    if case.subject == DRIVER:
        count = docker_driver.written(run_id)
        stream = docker_driver.STREAM
        return [wait_for_tally(client, docker_driver.GROUP, stream, run_id, count, settle_s=case.settle_s)]
    tallies = []
    for index, path in enumerate(case.paths):
        count = written(faults_host.NAME, f"{run_id}{index}")
        group = faults_host.group(path)
        tallies.append(wait_for_tally(client, group, INSTANCE_ID, f"{run_id}{index}", count, settle_s=case.settle_s))
    return tallies


def run_case(case: Case, bench: Bench) -> Row:
    seconds = max(1.0, case.seconds * bench.scale)
    if case.before:
        case.before(bench)
    run_id = new_run_id()
    _start_writers(case, bench, run_id, seconds)
    injector = None
    failures: list[BaseException] = []
    if case.fault:
        fault = case.fault

        def inject() -> None:
            bench.sleep(case.at)
            try:
                fault(bench)
            except BaseException as exc:  # reported by the case, not lost in its thread
                failures.append(exc)

        injector = threading.Thread(target=inject)
        injector.start()
    time.sleep(seconds)
    if injector:
        injector.join()
    if failures:
        raise BenchError(f"case {case.name}: the fault itself failed: {failures[0]!r}")
    for writer in bench.writers:
        writer.wait(timeout=120)
    tallies = _count(case, bench, run_id)
    if case.subject == DRIVER:
        docker_driver.remove_container()
    if case.after:
        case.after(bench)
    return Row(case, tallies, seconds)


def markdown(rows: list[dict[str, Any]]) -> list[str]:
    head = "| subject | case | what | lines/s | written | delivered | lost | duplicated | p50 ms | p95 ms | verdict |"
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        rate = f"{r['rate']:,}" + (f" x {r['streams']}" if r["streams"] > 1 else "")
        lines.append(
            f"| {r['subject']} | {r['case']} | {r['what']} | {rate} | {r['written']:,} | {r['delivered']:,} "
            f"| {r['lost']:,} | {r['duplicated']:,} | {r['p50_ms'] if r['p50_ms'] is not None else '-'} "
            f"| {r['p95_ms'] if r['p95_ms'] is not None else '-'} | {verdict(r)} ({r['expect']}) |"
        )
    return lines


@contextmanager
def locked() -> Iterator[None]:
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextmanager
def bench_up(scale: float, extra_vars: dict[str, Any] | None = None) -> Iterator[Bench]:
    """Engine, image, a fresh endpoint, the proxy, the host converged with ``extra_vars``."""
    for line in (ensure_engine(), ensure_image(), endpoint.start(MOTO_PORT, fresh=True)):
        print(line, flush=True)
    with FaultProxy(PROXY_PORT, MOTO_PORT) as proxy:
        print(faults_host.start(), flush=True)
        print("site.yml: converging the host", flush=True)
        faults_host.converge(extra_vars)
        yield Bench(proxy, scale)


def selected(names: list[str] | None, subjects: list[str] | None) -> list[Case]:
    cases = [c for c in CASES if (not names or c.name in names) and (not subjects or c.subject in subjects)]
    if not cases:
        known = ", ".join(sorted({c.name for c in CASES}))
        raise SystemExit(f"no case matches; known cases: {known}")
    return cases


def run_faults(names: list[str] | None, subjects: list[str] | None, scale: float) -> list[str]:
    cases = selected(names, subjects)
    rows: list[dict[str, Any]] = []
    with locked(), bench_up(scale) as bench:
        driver_cases = [c for c in cases if c.subject == DRIVER]
        if driver_cases:
            print(docker_driver.start_engine(), flush=True)
        try:
            for case in cases:
                print(f"case: {case.subject} / {case.name}: {case.what}", flush=True)
                row = run_case(case, bench).as_dict()
                rows.append(row)
                print("  " + json.dumps(row), flush=True)
        finally:
            if driver_cases:
                print(docker_driver.stop_engine(), flush=True)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    state_path("faults-results.json").write_text(json.dumps({"date": stamp, "scale": scale, "rows": rows}, indent=1))
    table = [f"faults: {stamp}, durations x{scale}", *markdown(rows)]
    failed = [f"{r['subject']} / {r['case']}" for r in rows if verdict(r) == "FAIL"]
    if failed:
        print("\n".join(table), flush=True)
        expected = "; ".join(f"{name}: {text}" for name, text in EXPECTATIONS.items())
        raise BenchError(f"these cases broke their expectation ({expected}): {', '.join(failed)}")
    return table


def clean() -> list[str]:
    with locked():
        docker_driver.remove_container()
        return [docker_driver.stop_engine(), faults_host.remove(), endpoint.stop(MOTO_PORT)]
