"""Every line exactly once, counted: 200 lines/s for 20 s through a
configuration change (site.yml, the role's handler), a rotation by the role's
logrotate policy and a reboot; a SIGKILL re-sends at most the one batch that
was in flight."""

from pathlib import Path

import yaml
from conftest import AFTER_S, AT_S, BATCH_S, CONTAINER, RATE, agent_pid, boot_wait, docker, stop_writer

from tests.bench.playbook import changed_tasks, run_site

ROLE_VARS_FILE = Path(__file__).resolve().parents[3] / "roles" / "awslogs" / "vars" / "main.yml"
ROLE_VARS = yaml.safe_load(ROLE_VARS_FILE.read_text())


def test_the_agent_runs_its_own_package_with_the_extension(host):
    path = host.check_output("find /opt/awslogs/lib -path '*/site-packages/cwlogs/push.py'")
    assert host.file(path).sha256sum == ROLE_VARS["__awslogs_cwlogs_push_sha256"]
    assert "cwlogs = awslogs_ops_cwlogs" in host.file("/etc/awslogs/awscli.conf").content_string
    assert "not applied" not in host.check_output("journalctl -u awslogsd --no-pager --output cat")


def test_a_configuration_change_under_load_delivers_every_line_once(inventory, under_load):
    before = agent_pid()

    def change_the_configuration(_host):
        """site.yml with another log level: the handler restarts the agent"""
        logging_conf = docker("exec", CONTAINER, "cat", "/etc/awslogs/logging.conf")
        level = "INFO" if "[logger_cwlogs]\nlevel = WARNING" in logging_conf else "WARNING"
        result = run_site(inventory, "--limit", CONTAINER, "--extra-vars", f"awslogs_log_level={level}")
        assert result["rc"] == 0, result["stderr"]
        assert "awslogs_ops.awslogs.awslogs : Restart awslogsd" in changed_tasks(result, CONTAINER)

    run = under_load(change_the_configuration, at_s=3, after_s=AFTER_S)
    assert agent_pid() != before
    assert (run.tally.lost, run.tally.duplicated) == (0, 0), run.tally


def test_a_rotation_under_load_delivers_every_line_once(under_load):
    def rotate(_host):
        """logrotate --force of the role's policy (rename and create; the writer reopens its file)"""
        docker("exec", CONTAINER, "logrotate", "--force", "/etc/logrotate.d/awslogs-backend")

    run = under_load(rotate, at_s=AT_S, after_s=AFTER_S)
    assert (run.tally.lost, run.tally.duplicated) == (0, 0), run.tally


def test_a_kill_under_load_loses_nothing_and_resends_at_most_one_batch(under_load):
    before = agent_pid()

    def kill(_host):
        """SIGKILL of the agent (systemd restarts it)"""
        docker("exec", CONTAINER, "systemctl", "kill", "--signal", "KILL", "awslogsd")

    run = under_load(kill, at_s=AT_S, after_s=AFTER_S)
    assert agent_pid() != before
    assert run.tally.lost == 0, run.tally
    assert run.tally.duplicated <= RATE * (BATCH_S + 1), run.tally
    seqs = run.duplicated_seqs
    if seqs:
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "more than one batch was re-sent"


def test_a_reboot_under_load_delivers_every_line_once(under_load):
    cursor = docker("exec", CONTAINER, "journalctl", "--lines=0", "--show-cursor").split("cursor: ")[-1].strip()

    def reboot(run_id):
        """docker restart with the SIGRTMIN+3 stop signal: systemd shuts down, SIGTERM stops the agent"""
        # The application stops first, as it would on a real host (the bench's writer is no unit of systemd's).
        stop_writer(run_id)
        docker("restart", CONTAINER)
        boot_wait()

    run = under_load(reboot, at_s=AT_S, after_s=AFTER_S, writer_survives=False)
    shutdown = docker("exec", CONTAINER, "journalctl", f"--after-cursor={cursor}", "--no-pager")
    assert "Received SIGRTMIN+3." in shutdown, "the host did not shut down on its stop signal"
    assert "awslogsd.service: Deactivated successfully." in shutdown, "the agent did not stop cleanly on SIGTERM"
    assert "awslogsd.service: State 'stop-sigterm' timed out" not in shutdown
    assert (run.tally.lost, run.tally.duplicated) == (0, 0), run.tally
