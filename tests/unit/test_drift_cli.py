"""The awslogs-drift command on real playbooks and inventories (local hosts).

Every test runs the real command in a subprocess: ansible-runner runs
ansible-playbook against hosts on the local connection, in a temp project.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

PLAYBOOK = """\
- name: Keep two files per host
  hosts: all
  gather_facts: false
  tasks:
    - name: Write the wanted configuration
      ansible.builtin.copy:
        content: "wanted {{ inventory_hostname }}\\n"
        dest: "{{ out_dir }}/{{ inventory_hostname }}.conf"
        mode: "0644"
      tags: [conf]
    - name: Write the marker
      ansible.builtin.copy:
        content: "marker\\n"
        dest: "{{ out_dir }}/{{ inventory_hostname }}.marker"
        mode: "0644"
      tags: [marker]
"""


def _host(name: str) -> str:
    return f"    {name}:\n      ansible_connection: local\n      ansible_python_interpreter: {sys.executable}\n"


class Project:
    """A playbook project in a temp dir, and the command run against it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "out"
        self.out.mkdir()
        (root / "site.yml").write_text(PLAYBOOK)
        self.inventory = root / "hosts.yml"
        self.inventory.write_text("all:\n  hosts:\n" + _host("h1") + _host("h2"))
        self.report = root / "report.json"
        self.lock = root / "drift.lock"

    def command(self, *args: str) -> list[str]:
        return [
            sys.executable, "-m", "awslogs_drift", "--project-dir", str(self.root), "--lock-file", str(self.lock),
            "-e", f"out_dir={self.out}", *args,
        ]  # fmt: skip

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "AWS_"))}
        env["PYTHONPATH"] = str(PROJECT_DIR)
        return env

    def run(self, *args: str, inventory: bool = True) -> subprocess.CompletedProcess[str]:
        extra = ["-i", str(self.inventory)] if inventory else []
        done = subprocess.run(
            self.command(*extra, *args),
            check=False,
            env=self.env(),
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert "Traceback" not in done.stderr + done.stdout
        return done

    def read_report(self) -> dict:
        return json.loads(self.report.read_text())


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def test_drift_is_fixed_and_the_next_run_finds_none(project: Project) -> None:
    first = project.run("--report", str(project.report))
    assert first.returncode == 2, first.stdout + first.stderr
    assert first.stdout.splitlines()[1:3] == [
        "hosts: 2 checked, 2 drifted, 0 unreachable, 0 failed",
        "drifted tasks: 4, fixed: 4",
    ]
    report = project.read_report()
    assert sorted((i["host"], i["task"], i["outcome"]) for i in report["drift"]) == [
        ("h1", "Write the marker", "fixed"),
        ("h1", "Write the wanted configuration", "fixed"),
        ("h2", "Write the marker", "fixed"),
        ("h2", "Write the wanted configuration", "fixed"),
    ]
    assert report["runs"]["verify"] == {"rc": 0, "changed_tasks": 0}
    assert (project.out / "h2.conf").read_text() == "wanted h2\n"

    second = project.run("--report", str(project.report))
    assert second.returncode == 0, second.stdout + second.stderr
    assert (project.read_report()["drift"], list(project.read_report()["runs"])) == ([], ["check"])


def test_a_hand_edit_is_reported_with_its_diff(project: Project) -> None:
    assert project.run().returncode == 2
    (project.out / "h1.conf").write_text("edited by hand\n")
    done = project.run("--report", str(project.report))
    assert done.returncode == 2
    (item,) = project.read_report()["drift"]
    assert (item["host"], item["action"], item["outcome"]) == ("h1", "ansible.builtin.copy", "fixed")
    assert "-edited by hand\n+wanted h1\n" in item["diff"]
    assert (project.out / "h1.conf").read_text() == "wanted h1\n"


def test_detect_only_changes_nothing_and_says_drift_remains(project: Project) -> None:
    done = project.run("--detect-only", "--report", str(project.report))
    assert done.returncode == 3
    assert {i["outcome"] for i in project.read_report()["drift"]} == {"detected"}
    assert list(project.out.iterdir()) == []


def test_limit_and_tags_pass_through(project: Project) -> None:
    done = project.run("--limit", "h1", "--tags", "conf", "--report", str(project.report))
    assert done.returncode == 2
    assert [(i["host"], i["task"]) for i in project.read_report()["drift"]] == [
        ("h1", "Write the wanted configuration")
    ]
    assert sorted(p.name for p in project.out.iterdir()) == ["h1.conf"]


def test_an_unreachable_host_is_reported_and_the_others_are_fixed(project: Project) -> None:
    down = "    h3:\n      ansible_connection: ssh\n      ansible_host: 127.0.0.1\n      ansible_port: 1\n"
    project.inventory.write_text(project.inventory.read_text() + down)
    done = project.run("--report", str(project.report))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "hosts: 3 checked, 2 drifted, 1 unreachable, 0 failed" in done.stdout
    assert "  [unreachable] h3: Write the wanted configuration: " in done.stdout
    report = project.read_report()
    assert (report["unreachable"], report["status"]) == (["h3"], "run_failed")
    assert {i["outcome"] for i in report["drift"]} == {"fixed"}
    assert (project.out / "h1.conf").exists()


def test_no_inventory_is_a_clear_error(project: Project) -> None:
    done = project.run("-i", str(project.root / "missing.yml"), inventory=False)
    assert done.returncode == 1
    assert done.stderr == f"awslogs-drift: error: inventory {project.root / 'missing.yml'} does not exist\n"


def test_an_empty_inventory_is_a_clear_error(project: Project) -> None:
    project.inventory.write_text("all: {}\n")
    done = project.run()
    assert done.returncode == 1
    assert done.stderr.startswith("awslogs-drift: error: no host matched: check the inventory")


def test_a_host_pattern_that_matches_nothing_is_a_clear_error(project: Project) -> None:
    done = project.run("--limit", "nosuchhost")
    assert done.returncode == 1
    assert "[ERROR]: Specified inventory, host pattern and/or --limit leaves us with no hosts to target." in done.stderr
    assert list(project.out.iterdir()) == []


def test_a_playbook_that_fails_its_syntax_check_is_a_clear_error(project: Project) -> None:
    (project.root / "site.yml").write_text(
        PLAYBOOK.replace("      tags: [conf]\n", "      tags: [conf]\n      bogus: 1\n")
    )
    done = project.run()
    assert done.returncode == 1
    assert done.stderr.startswith(
        "awslogs-drift: error: site.yml did not start (a syntax, inventory or setup error, rc 4):\n"
    )
    assert "conflicting action statements: ansible.builtin.copy, bogus" in done.stderr


def test_a_report_path_that_cannot_be_written_is_refused_before_any_run(project: Project) -> None:
    done = project.run("--report", str(project.root / "missing" / "report.json"))
    assert done.returncode == 1
    assert done.stderr == f"awslogs-drift: error: report directory {project.root / 'missing'} does not exist\n"
    assert list(project.out.iterdir()) == []
    done = project.run("--report", str(project.out))
    assert (done.returncode, done.stderr) == (1, f"awslogs-drift: error: report path {project.out} is a directory\n")


def test_a_second_run_while_one_holds_the_lock_does_nothing(project: Project) -> None:
    slow = "- name: Take a while\n  hosts: all\n  gather_facts: false\n  tasks:\n"
    slow += "    - name: Wait\n      ansible.builtin.pause:\n        seconds: 6\n"
    (project.root / "site.yml").write_text(slow + PLAYBOOK.split("\n", 1)[1].replace("- name: Keep", "- name: K"))
    first = subprocess.Popen(
        project.command("-i", str(project.inventory), "--detect-only"),
        env=project.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not (project.lock.exists() and project.lock.read_text().strip() == str(first.pid)):
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.1)
        second = project.run()
        assert second.returncode == 5
        assert second.stderr == (
            f"awslogs-drift: another drift-fix run (pid {first.pid}) holds {project.lock}; not starting a second run\n"
        )
        assert first.poll() is None
    finally:
        out, err = first.communicate(timeout=120)
    assert first.returncode == 3, out + err
    assert list(project.out.iterdir()) == []


def test_bad_arguments_exit_1_not_the_drift_code_2(project: Project) -> None:
    done = project.run("--no-such-option")
    assert done.returncode == 1
    assert "awslogs-drift: error: unrecognized arguments: --no-such-option" in done.stderr


def test_a_summary_that_cannot_be_sent_is_a_warning(project: Project) -> None:
    env_run = project.run  # the endpoint is a closed local port: the send fails, the fix stands
    done = env_run(
        "--cloudwatch-group", "awslogs-drift", "--endpoint-url", "http://127.0.0.1:1", "--region", "eu-west-1"
    )
    assert done.returncode == 2
    assert "awslogs-drift: warning: cannot send the summary to CloudWatch Logs group awslogs-drift:" in done.stderr


def test_drift_that_comes_back_at_once_remains(project: Project) -> None:
    # A file whose wanted content changes every run: the verification run
    # still finds it different, as it would a host that undoes every fix.
    flapping = PLAYBOOK.replace(
        'content: "wanted {{ inventory_hostname }}\\n"', 'content: "{{ now().isoformat() }}\\n"'
    )
    (project.root / "site.yml").write_text(flapping)
    done = project.run("--limit", "h1", "--tags", "conf", "--report", str(project.report))
    assert done.returncode == 3, done.stdout + done.stderr
    (item,) = project.read_report()["drift"]
    assert (item["task"], item["outcome"]) == ("Write the wanted configuration", "remains")
    assert item["diff_after_fix"].startswith(f"--- {project.out / 'h1.conf'}\n")
    assert "  [remains] h1: Write the wanted configuration" in done.stdout


def test_a_comma_list_inventory_means_one_host_per_name(project: Project) -> None:
    local = ["-e", "ansible_connection=local", "-e", f"ansible_python_interpreter={sys.executable}"]
    done = project.run("-i", "h1,h2", *local, "--report", str(project.report), inventory=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert project.read_report()["hosts"] == ["h1", "h2"]
    assert sorted(p.name for p in project.out.iterdir()) == ["h1.conf", "h1.marker", "h2.conf", "h2.marker"]


PROCESS_LIST = """\
- name: Use a secret while every process's command line is recorded
  hosts: all
  gather_facts: false
  tasks:
    - name: Record the process list
      ansible.builtin.shell: ps -eww -o args= > {{ out_dir }}/ps-{{ inventory_hostname }}-{{ ansible_check_mode }}.txt
      check_mode: false
      changed_when: false
    - name: Use the token
      ansible.builtin.copy:
        content: "{{ token }}\\n"
        dest: "{{ out_dir }}/{{ inventory_hostname }}.token"
        mode: "0600"
"""


def test_extra_vars_never_reach_the_process_list(project: Project) -> None:
    (project.root / "site.yml").write_text(PROCESS_LIST)
    token = f"S3cret-{os.getpid()}-{time.time_ns()}"
    secrets = project.root / "secret.yml"
    secrets.write_text(f"token: {token}\n")
    done = project.run("--limit", "h1", "-e", f"@{secrets}")
    assert done.returncode == 2, done.stdout + done.stderr
    assert (project.out / "h1.token").read_text() == token + "\n"
    for mode in ("True", "False"):  # the check run's process list and the apply run's
        processes = (project.out / f"ps-h1-{mode}.txt").read_text()
        ours = f"{project.root}/site.yml"
        playbook = [line for line in processes.splitlines() if "ansible-playbook" in line and ours in line]
        assert playbook, processes
        assert "-e @" in playbook[0] and "/env/extravars" in playbook[0]
        assert token not in processes


SLOW_PHASES = """\
- name: Drift that takes a while to check and to fix
  hosts: all
  gather_facts: false
  tasks:
    - name: Note the phase
      ansible.builtin.shell: echo {{ 'check' if ansible_check_mode else 'apply' }} >> {{ out_dir }}/phases
      check_mode: false
      changed_when: false
    - name: Write the wanted configuration
      ansible.builtin.copy:
        content: "wanted\\n"
        dest: "{{ out_dir }}/{{ inventory_hostname }}.conf"
        mode: "0644"
    - name: Take a while in the slow phase
      ansible.builtin.command: sleep {{ 60 if slow_phase == ('check' if ansible_check_mode else 'apply') else 0 }}
      check_mode: false
      changed_when: false
"""


def _signal_in_phase(project: Project, phases: list[str], signum: int) -> tuple[int, str, float]:
    """Start a run, send it signum once the playbook has reached len(phases) phases."""
    (project.root / "site.yml").write_text(SLOW_PHASES)
    command = project.command("-i", str(project.inventory), "--limit", "h1", "--report", str(project.report))
    command += ["-e", f"slow_phase={phases[-1]}"]
    started = time.time()
    runner = subprocess.Popen(command, env=project.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marker = project.out / "phases"
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text().split() == phases):
            assert runner.poll() is None and time.monotonic() < deadline, "the run never reached the phase"
            time.sleep(0.2)
        runner.send_signal(signum)
        out, err = runner.communicate(timeout=30)
    finally:
        if runner.poll() is None:
            runner.kill()
    assert "Traceback" not in out + err
    return runner.returncode, out + err, started


def test_sigterm_in_the_apply_phase_stops_there_and_reports_it(project: Project) -> None:
    rc, output, started = _signal_in_phase(project, ["check", "apply"], signal.SIGTERM)
    assert rc == 143, output
    report = project.read_report()
    assert (report["status"], report["exit_code"]) == ("interrupted", 143)
    assert report["interrupted"] == {"phase": "apply", "signal": "SIGTERM"}
    assert list(report["runs"]) == ["check"]  # no verification after a cancelled fix
    assert [item["outcome"] for item in report["drift"]] == ["unverified"]
    assert abs(dt.datetime.fromisoformat(report["started_at"]).timestamp() - started) < 5
    assert "awslogs-drift: interrupted by SIGTERM in the apply phase (exit 143)" in output
    time.sleep(1)
    assert (project.out / "phases").read_text().split() == ["check", "apply"]


def test_sigint_in_the_check_phase_stops_there_and_reports_it(project: Project) -> None:
    rc, output, _report = _signal_in_phase(project, ["check"], signal.SIGINT)
    assert rc == 130, output
    report = project.read_report()
    assert (report["status"], report["interrupted"]) == ("interrupted", {"phase": "check", "signal": "SIGINT"})
    assert (report["runs"], report["drift"]) == ({}, [])
    assert "no host matched" not in output
    assert not (project.out / "h1.conf").exists()


TWO_PLAYS = """\
- name: Control node
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: hello
- name: The fleet
  hosts: app_hosts
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: hello
"""


def test_a_play_that_matches_no_host_fails_the_run_with_exit_4(project: Project) -> None:
    (project.root / "site.yml").write_text(TWO_PLAYS)
    project.inventory.write_text("all:\n  hosts:\n" + _host("localhost") + "  children:\n    app_hosts: {}\n")
    done = project.run("--report", str(project.report))
    assert done.returncode == 4, done.stdout + done.stderr
    assert "[no hosts] play 'The fleet' matched no host: check the inventory" in done.stdout
    assert project.read_report()["plays_without_hosts"] == ["The fleet"]
    limited = project.run("--limit", "localhost")
    assert limited.returncode == 0, limited.stdout + limited.stderr


def test_version(project: Project) -> None:
    done = project.run("--version", inventory=False)
    assert (done.returncode, done.stdout) == (0, "awslogs-drift 0.1.0\n")


LONG_COMMAND = """\
- name: A command that runs long on the host
  hosts: all
  gather_facts: false
  tasks:
    - name: Run it, noting its pid
      ansible.builtin.shell: echo $$ > {{ out_dir }}/command.pid && exec sleep 300
      check_mode: false
      changed_when: false
"""


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _ancestors(pid: int, root: int) -> list[int]:
    """pid and its parents up to (without) root: the worker, the module, the shell, the command."""
    chain = []
    while pid not in (0, 1, root):
        chain.append(pid)
        pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return chain


def _start_long_command(project: Project, *args: str) -> tuple[subprocess.Popen[str], list[int]]:
    (project.root / "site.yml").write_text(LONG_COMMAND)
    command = project.command("-i", str(project.inventory), "--limit", "h1", "--report", str(project.report), *args)
    runner = subprocess.Popen(command, env=project.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid_file = project.out / "command.pid"
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert runner.poll() is None and time.monotonic() < deadline, "the command never started"
        time.sleep(0.2)
    tree = _ancestors(int(pid_file.read_text()), runner.pid)
    return runner, tree


def test_sigterm_stops_the_whole_process_tree_with_a_bounded_wait(project: Project) -> None:
    runner, tree = _start_long_command(project)
    # ansible-playbook, a worker in a session of its own, the module's processes, the command.
    assert len(tree) >= 4, tree
    assert len({os.getpgid(pid) for pid in tree}) >= 2, "the worker is in a process group of its own"
    runner.send_signal(signal.SIGTERM)
    started = time.monotonic()
    out, err = runner.communicate(timeout=60)
    assert time.monotonic() - started < 20, "bounded: 10 s of grace, then SIGKILL"
    assert runner.returncode == 143, out + err
    assert [pid for pid in tree if _alive(pid)] == []
    report = project.read_report()
    assert (report["status"], report["interrupted"]) == ("interrupted", {"phase": "check", "signal": "SIGTERM"})


def test_the_timeout_stops_the_run_and_its_processes_with_its_own_exit_code(project: Project) -> None:
    runner, tree = _start_long_command(project, "--timeout", "30s")
    out, err = runner.communicate(timeout=60)
    assert runner.returncode == 124, out + err
    assert [pid for pid in tree if _alive(pid)] == []
    report = project.read_report()
    assert (report["status"], report["exit_code"]) == ("timeout", 124)
    assert report["interrupted"] == {"phase": "check", "timeout_s": 30.0}
    assert "awslogs-drift: timeout after 30 s in the check phase (exit 124)" in out


@pytest.mark.parametrize("value", ["0", "-5", "5 days", "1.5h", ""])
def test_a_bad_timeout_is_bad_input(project: Project, value: str) -> None:
    done = project.run("--timeout", value)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "--timeout: must be a duration above 0 like 3000, 90s, 50min or 1h" in done.stderr
