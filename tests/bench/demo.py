"""make demo: one systemd host, converged with site.yml, ships sample lines
to the local CloudWatch Logs endpoint; the events are printed as they arrive."""

from __future__ import annotations

import subprocess
import time
import uuid
from functools import partial

from tests.bench import endpoint
from tests.bench.engine import ensure_engine
from tests.bench.image import ensure_image, image_name
from tests.bench.logs import logs_client, messages
from tests.bench.process import PROJECT_DIR, BenchError, run, state_path, succeeds, wait_for

PORT = 5100
HOST = "awslogs-demo"
INSTANCE_ID = "i-0de000000000000d1"
GROUP_PREFIX = "/aws/elasticbeanstalk/myapp-prd"
DEADLINE_S = 90
CONTAINER_ARGS = (
    "--network", "host",
    "--stop-signal", "SIGRTMIN+3",  # systemd shuts down on it: `docker restart` is a clean reboot
    "--cap-add", "SYS_ADMIN",
    "--security-opt", "seccomp=unconfined",
    "--cgroupns", "host",
    "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
    "--volume", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--volume", "/etc/ssl/certs/ca-certificates.crt:/usr/local/share/bench-ca.crt:ro",
)  # fmt: skip


def _sample_lines(tag: str) -> dict[str, str]:
    return {
        "/var/log/containers/backend.log": (
            f"2026-11-24 12:00:00 INFO GET /health 200 demo={tag}\n"
            f"2026-11-24 12:00:01 ERROR GET /orders/7 500 demo={tag}\n"
            "Traceback (most recent call last):\n"
            '  File "/app/orders/views.py", line 42, in detail\n'
            "    total = order.amount / order.count\n"
            "ZeroDivisionError: division by zero\n"
            f"2026-11-24 12:00:02 INFO GET /orders 200 demo={tag}\n"
        ),
        "/var/log/nginx/access.log": (
            f'127.0.0.1 - - [24/Nov/2026:12:00:00 +0000] "GET /health HTTP/1.1" 200 2 demo={tag}\n'
        ),
        "/var/log/nginx/error.log": f"2026/11/24 12:00:01 [error] 7#7: *1 upstream timed out demo={tag}\n",
    }


def booted(name: str) -> bool:
    state = run("docker", "exec", name, "systemctl", "is-system-running", check=False).stdout.strip()
    return state in ("running", "degraded")


def _start_host() -> str:
    if succeeds("docker", "container", "inspect", HOST):
        run("docker", "start", HOST)
        return f"host: {HOST} is there"
    run("docker", "run", "--detach", "--name", HOST, *CONTAINER_ARGS, image_name(), "/lib/systemd/systemd")
    wait_for(f"systemd in {HOST}", partial(booted, HOST), timeout=60)
    return f"host: started {HOST} ({image_name()})"


def _converge() -> None:
    print("site.yml: converging (the first run installs the agent: about a minute)", flush=True)
    log = state_path("demo-site.log")
    with (
        log.open("w") as out,
        subprocess.Popen(
            ["ansible-playbook", "site.yml"],
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as playbook,
    ):
        for line in playbook.stdout or ():
            out.write(line)
            if line.startswith(("PLAY [", "TASK [")):
                print("  " + line.rstrip(" *\n"), flush=True)
    recap = log.read_text().split("PLAY RECAP")[-1].strip()
    print("PLAY RECAP " + recap, flush=True)
    if playbook.returncode != 0:
        raise BenchError(f"ansible-playbook site.yml failed; the whole output is in {log}")


def _write_samples(tag: str) -> list[tuple[str, str]]:
    expected = []
    for path, text in _sample_lines(tag).items():
        run(
            "docker",
            "exec",
            "--interactive",
            HOST,
            "sh",
            "-c",
            f'mkdir -p "$(dirname {path})" && cat >> {path}',
            input=text,
        )
        print(f"wrote {len(text.splitlines())} line(s) to {HOST}:{path}", flush=True)
        expected.append((f"{GROUP_PREFIX}{path}", tag))
    return expected


def _watch(expected: list[tuple[str, str]]) -> int:
    client = logs_client(PORT)
    shown: set[tuple[str, str]] = set()
    pending = {group for group, _ in expected}
    started = time.monotonic()
    print(f"waiting for the events at {endpoint.url(PORT)} (the agent pushes every 5 s)", flush=True)
    while pending and time.monotonic() - started < DEADLINE_S:
        for group, tag in expected:
            for message in messages(client, group, INSTANCE_ID):
                if tag in message and (group, message) not in shown:
                    shown.add((group, message))
                    pending.discard(group)
                    print(f"  [{group} / {INSTANCE_ID}] {message!r}", flush=True)
        if pending:
            print(f"  ... {time.monotonic() - started:4.0f} s, waiting for {len(pending)} group(s)", flush=True)
            time.sleep(2)
    if pending:
        raise BenchError(f"no event arrived within {DEADLINE_S} s in {', '.join(sorted(pending))}")
    return len(shown)


def clean() -> list[str]:
    run("docker", "rm", "--force", HOST, check=False)
    return [f"host: removed {HOST}", endpoint.stop(PORT)]


def run_demo() -> list[str]:
    for line in (ensure_engine(), ensure_image(), endpoint.start(PORT), _start_host()):
        print(line, flush=True)
    _converge()
    events = _watch(_write_samples(uuid.uuid4().hex[:8]))
    return [
        f"demo: {events} events arrived in 3 log groups at {endpoint.url(PORT)} (a traceback is one event)",
        "demo: the host and the endpoint keep running; `make demo-clean` removes them",
    ]
