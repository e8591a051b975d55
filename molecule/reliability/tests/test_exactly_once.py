"""Every line exactly once, counted: 200 lines/s for 20 s through a
configuration change (site.yml, the role's handler), a rename rotation and a
reboot; a SIGKILL re-sends at most the one batch that was in flight."""

import hashlib
import time
from pathlib import Path

from conftest import BATCH_S, CONTAINER, DURATION_S, FILE, GROUP, INSTANCE_ID, RATE, agent_pid, docker

from tests.bench.playbook import changed_tasks, run_site
from tests.bench.sequence import start_writer, wait_for_tally, written

PATCHED = Path(__file__).resolve().parents[3] / "roles" / "awslogs" / "files" / "cwlogs_push.py"


def test_the_agent_runs_the_patched_module(host):
    path = host.check_output("find /opt/awslogs/lib -path '*/site-packages/cwlogs/push.py'")
    assert host.file(path).sha256sum == hashlib.sha256(PATCHED.read_bytes()).hexdigest()


def test_a_configuration_change_under_load_delivers_every_line_once(inventory, under_load):
    before = agent_pid()

    def change_the_configuration():
        """site.yml with another log level: the handler restarts the agent"""
        result = run_site(inventory, "--limit", CONTAINER, "--extra-vars", "awslogs_log_level=WARNING")
        assert result["rc"] == 0, result["stderr"]
        assert "awslogs : Restart awslogsd" in changed_tasks(result, CONTAINER)

    run = under_load(change_the_configuration, at_s=3)
    assert agent_pid() != before
    assert run.disturbed_at_s < DURATION_S, "site.yml ended after the writer: the restart was not under load"
    assert (run.tally.lost, run.tally.duplicated) == (0, 0), run.tally


def test_a_rename_rotation_under_load_delivers_every_line_once(under_load):
    def rotate():
        """rename rotation (the writer reopens its file)"""
        docker("exec", CONTAINER, "mv", FILE, FILE + ".1")

    run = under_load(rotate, at_s=DURATION_S / 2)
    assert (run.tally.lost, run.tally.duplicated) == (0, 0), run.tally


def test_a_kill_under_load_loses_nothing_and_resends_at_most_one_batch(under_load):
    before = agent_pid()

    def kill():
        """SIGKILL of the agent (systemd restarts it)"""
        docker("exec", CONTAINER, "systemctl", "kill", "--signal", "KILL", "awslogsd")

    run = under_load(kill, at_s=8)
    assert agent_pid() != before
    assert run.tally.lost == 0, run.tally
    assert run.tally.duplicated <= RATE * (BATCH_S + 1), run.tally
    seqs = run.duplicated_seqs
    if seqs:
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "more than one batch was re-sent"


def test_a_reboot_under_load_delivers_every_line_once(logs):
    """docker restart with the SIGRTMIN+3 stop signal: systemd shuts down and stops the agent with SIGTERM."""
    until = time.time() + DURATION_S
    writer = start_writer(CONTAINER, FILE, rate=RATE, duration_s=DURATION_S, until=until)
    time.sleep(6)
    started = time.monotonic()
    docker("restart", CONTAINER)
    stop_and_start_s = time.monotonic() - started
    writer.wait(timeout=30)
    docker("exec", CONTAINER, "systemctl", "is-system-running", "--wait")
    start_writer(CONTAINER, FILE, rate=RATE, duration_s=DURATION_S, run_id=writer.run_id, until=until).wait(
        timeout=DURATION_S + 60
    )
    tally = wait_for_tally(logs, GROUP, INSTANCE_ID, writer.run_id, written(CONTAINER, writer.run_id), timeout_s=120)
    print(f"\nreboot ({stop_and_start_s:.1f} s): {tally.as_row()}", flush=True)
    assert stop_and_start_s < 10, "the host did not shut down on its stop signal: Docker killed it after 10 s"
    assert (tally.lost, tally.duplicated) == (0, 0), tally
