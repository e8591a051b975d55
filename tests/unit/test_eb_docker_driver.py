"""The container path for real: Docker's awslogs driver with exactly the options the bundle's compose file got.

A container of the bench's driver engine (tests/bench/docker_driver.py: its own
dockerd, the credentials in that engine's environment only) runs with the
backend service's generated ``logging:`` options, plus ``awslogs-endpoint``
pointing at a local endpoint; its lines must arrive in the generated group and
stream, a traceback as one event (``awslogs-datetime-format``).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import yaml

from tests.bench import docker_driver, endpoint
from tests.bench.eb_bundle import changed, copy_sample, write_artifacts
from tests.bench.engine import ensure_engine
from tests.bench.image import ensure_image, image_name
from tests.bench.logs import logs_client, wait_for_messages

PORT = 5145
CONTAINER = "eb-driver-proof"
# The fault bench starts and stops the same driver engine: one at a time.
LOCK = "/tmp/bench-faults.lock"


@pytest.fixture(scope="module")
def driver_engine() -> Iterator[None]:
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ensure_engine()
        ensure_image()
        started = docker_driver.start_engine()
        endpoint.start(PORT, fresh=True)
        try:
            yield
        finally:
            docker_driver.docker("rm", "--force", CONTAINER, check=False)
            endpoint.stop(PORT)
            if "started" in started:
                docker_driver.stop_engine()


def test_the_generated_driver_options_ship_a_containers_lines_to_the_generated_group_and_stream(
    driver_engine, tmp_path
):
    bundle = copy_sample(tmp_path)
    assert changed(write_artifacts(bundle)) > 0
    logging = yaml.safe_load((bundle / "docker-compose.yml").read_text())["services"]["backend"]["logging"]
    assert logging["driver"] == "awslogs"
    options = logging["options"]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    lines = [
        f"INFO {stamp},101 views 7 140245 payment accepted",
        f"ERROR {stamp},202 log 7 140245 Internal Server Error: /boom",
        "Traceback (most recent call last):",
        '  File "views.py", line 9, in boom',
        "ZeroDivisionError: division by zero",
        f"INFO {stamp},303 views 7 140245 done",
    ]
    script = "import sys; sys.stdout.write(sys.argv[1]); sys.stdout.flush()"
    docker_driver.docker(
        "run", "--name", CONTAINER, "--network", "host", "--log-driver", logging["driver"],
        *(arg for key, value in options.items() for arg in ("--log-opt", f"{key}={value}")),
        "--log-opt", f"awslogs-endpoint={endpoint.url(PORT)}",
        image_name(), "python3", "-c", script, "\n".join(lines) + "\n",
    )  # fmt: skip
    arrived = wait_for_messages(
        logs_client(PORT), options["awslogs-group"], options["awslogs-stream"], lambda found: len(found) >= 3
    )
    # In multi-line mode the driver keeps each line's newline.
    assert arrived == [lines[0] + "\n", "\n".join(lines[1:5]) + "\n", lines[5] + "\n"]
