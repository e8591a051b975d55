"""make demo: one systemd host, converged with site.yml, runs the example
Django backend under gunicorn behind nginx; real HTTP requests through nginx
(127.0.0.1) write the lines the agent ships to the local CloudWatch Logs
endpoint, and each event is printed with its CloudWatch timestamp next to
the line's own time."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from fnmatch import fnmatch
from functools import partial

from tests.bench import endpoint, project
from tests.bench.engine import ensure_engine
from tests.bench.image import ensure_image, image_name
from tests.bench.logs import events, logs_client
from tests.bench.process import PROJECT_DIR, BenchError, run, state_path, succeeds, tool_env, wait_for

PORT = 5100
HOST = "awslogs-demo"
INSTANCE_ID = "i-0de000000000000d1"
GROUP_PREFIX = "/aws/elasticbeanstalk/myapp-prd"
DEADLINE_S = 90
NGINX = "http://127.0.0.1:18100"
# The events the demo waits for, per file: every request's access line, the
# missing file's error line, and the backend's lines at INFO.
FILES = {
    "/var/log/nginx/access.log": 6,
    "/var/log/nginx/error.log": 1,
    "/var/log/containers/backend.log": 11,
}
CONTAINER_ARGS = (
    "--network", "host",
    "--stop-signal", "SIGRTMIN+3",  # systemd shuts down on it: `docker restart` is a clean reboot
    "--cap-add", "SYS_ADMIN", "--cap-add", "DAC_READ_SEARCH",
    "--security-opt", "seccomp=unconfined",
    "--cgroupns", "host",
    "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
    "--volume", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
    "--volume", "/etc/ssl/certs/ca-certificates.crt:/usr/local/share/bench-ca.crt:ro",
)  # fmt: skip


def _requests(tag: str) -> dict[str, str]:
    """What the demo asks nginx, and why."""
    return {
        f"/levels?tag={tag}": "one line per level (DJANGO_LOG_LEVEL=INFO on the demo host)",
        f"/pay?user=kim&amount=500&reference=pay-{tag}": "a payment: its inputs and its state",
        f"/pay?user=lee&amount=5000&reference=pay-{tag}-2": "a declined payment",
        f"/private?account={tag}": "my_app.views.private (no propagation: written once)",
        f"/boom?order={tag}": "a view that raises: the traceback is one event",
        f"/static/{tag}.css": "a missing file: nginx writes an error line",
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
    print(
        "examples/demo_backend.yml (Django under gunicorn behind nginx), then site.yml: converging "
        "(the first run installs the agent, nginx and Django: a minute or two)",
        flush=True,
    )
    log = state_path("demo-site.log")
    with (
        log.open("w") as out,
        subprocess.Popen(
            ["ansible-playbook", "examples/demo_backend.yml", "site.yml"],
            cwd=PROJECT_DIR,
            env=tool_env(),
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
        raise BenchError(f"ansible-playbook failed; the whole output is in {log}")


def _send(tag: str) -> None:
    print(f"sending HTTP requests through nginx at {NGINX}", flush=True)
    for path, why in _requests(tag).items():
        try:
            with urllib.request.urlopen(NGINX + path, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        print(f"  GET {path:<52} {status}  {why}", flush=True)


def _datetime_formats() -> dict[str, tuple[str, str]]:
    """Each shown file's datetime_format and time_zone, from the demo host's stream list."""
    streams = project.bench_streams()
    return {
        path: next((s["datetime_format"], s.get("time_zone", "UTC")) for s in streams if fnmatch(path, s["file"]))
        for path in FILES
    }


def _show(event: dict, own_ms: int | None) -> str:
    """The event's CloudWatch timestamp, whether the line's own time agrees, then its first line."""
    stamp = datetime.fromtimestamp(event["timestamp"] / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
    agrees = "=" if own_ms == event["timestamp"] else "!"
    first, *rest = event["message"].splitlines()
    more = f"  (+{len(rest)} lines: {rest[-1][:60]})" if rest else ""
    return f"  {stamp} {agrees} {first[:150]}{more}"


def _watch(tag: str) -> int:
    client = logs_client(PORT)
    started = time.monotonic()
    print(f"waiting for the events at {endpoint.url(PORT)} (the agent pushes every 5 s)", flush=True)
    while True:
        arrived = {
            path: [e for e in events(client, GROUP_PREFIX + path, INSTANCE_ID) if tag in e["message"]] for path in FILES
        }
        if all(len(found) >= need for (path, need), found in zip(FILES.items(), arrived.values(), strict=True)):
            break
        waited = time.monotonic() - started
        if waited > DEADLINE_S:
            missing = [GROUP_PREFIX + path for path, need in FILES.items() if len(arrived[path]) < need]
            raise BenchError(f"not every event arrived within {DEADLINE_S} s in {', '.join(missing)}")
        print(f"  ... {waited:4.0f} s", flush=True)
        time.sleep(2)
    print("CloudWatch timestamp (UTC), '=' where it is the time written in the line, then the line", flush=True)
    formats = _datetime_formats()
    differ = []
    for path, found in arrived.items():
        print(f"[{GROUP_PREFIX}{path} / {INSTANCE_ID}]", flush=True)
        for event in found:
            datetime_format, time_zone = formats[path]
            own_ms = project.line_time_ms(datetime_format, event["message"], time_zone)
            print(_show(event, own_ms), flush=True)
            if own_ms != event["timestamp"]:
                differ.append(f"{path}: {event['message'].splitlines()[0][:100]}")
    if differ:
        raise BenchError("these events are not stamped with the time in their line: " + "; ".join(differ))
    return sum(len(found) for found in arrived.values())


def clean() -> list[str]:
    run("docker", "rm", "--force", HOST, check=False)
    return [f"host: removed {HOST}", endpoint.stop(PORT)]


def run_demo() -> list[str]:
    for line in (ensure_engine(), ensure_image(), endpoint.start(PORT), _start_host()):
        print(line, flush=True)
    _converge()
    tag = uuid.uuid4().hex[:8]
    _send(tag)
    shown = _watch(tag)
    return [
        f"demo: {shown} events of real Django and nginx lines arrived in 3 log groups at {endpoint.url(PORT)}; "
        "each CloudWatch timestamp is the time written in its line (checked, to the millisecond where it has them)",
        "demo: the host and the endpoint keep running; `make demo-clean` removes them",
    ]
