"""Unit tests of the check of the new configuration, run on the host before it replaces the old one."""

import hashlib
import importlib.util
import io
import json
import sys
from pathlib import Path

import awslogs_host_probe as host_probe  # the awslogs_host_probe module's code (plugins/module_utils)
import pytest

FILES = Path(__file__).resolve().parents[2] / "roles" / "awslogs" / "files"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, FILES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


config_check = load("awslogs_config_check")

GENERAL = "[general]\nstate_file = /var/lib/awslogs/agent-state\n"
STREAM = "[backend]\nfile = /var/log/app.log\nlog_group_name = /app\nbuffer_duration = 5000\n"
LOGGING = "[handler_agent]\nclass = handlers.WatchedFileHandler\nargs = ('/var/log/100%%.log',)\n"


def check(capsys, *items) -> tuple[int, str]:
    keys = ("check", "content", "sections")
    files = [{"path": "f", **dict(zip(keys[: len(item)], item, strict=True))} for item in items]
    code = config_check.main(io.StringIO(json.dumps(files)))
    return code, capsys.readouterr().err


def test_a_good_configuration_passes(capsys):
    assert check(capsys, ("general", GENERAL), ("streams", STREAM, ["backend"]), ("logging", LOGGING)) == (0, "")


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        (("general", "[general]\n"), "must hold exactly [general] with a state_file"),
        (("general", GENERAL + "[web]\nfile = /x\n"), "must hold exactly [general]"),
        (("general", "[DEFAULT]\nfile = /x\n" + GENERAL), "has a [DEFAULT] section"),
        (("streams", "[backend]\nlog_group_name = /app\n", ["backend"]), "[backend] has no file"),
        (("streams", "[backend]\nfile = /x\n", ["backend"]), "[backend] has no log_group_name"),
        (("streams", STREAM + "[zz]\nfile = /etc/shadow\nlog_group_name = /app\n", ["backend"]),
         "has the sections ['backend', 'zz'], the streams are ['backend']"),
        (("streams", STREAM + "multi_line_start_pattern = ^a\n  [zz]\n", ["backend"]), "spans several lines"),
        (("streams", STREAM.replace("5000", "5s"), ["backend"]), "[backend] buffer_duration '5s' is not a whole"),
        (("streams", STREAM + "datetime_format = %Y-%Q\n", ["backend"]), "datetime_format '%Y-%Q' is not a format"),
        (("streams", STREAM + "encoding = klingon\n", ["backend"]), "encoding 'klingon' is unknown"),
        (("streams", STREAM + "file_fingerprint_lines = 0\n", ["backend"]), "file_fingerprint_lines '0' is not"),
        (
            ("streams", STREAM + "time_zone = Mars/Olympus\n", ["backend"]),
            "time_zone 'Mars/Olympus' is not UTC, LOCAL or a time zone this host knows",
        ),
        (("streams", STREAM + "multi_line_start_pattern = (\n", ["backend"]), "is not a regular expression"),
        (("streams", "not an ini file", []), "File contains no section headers"),
        (("logging", LOGGING.replace("%%", "%")), "cannot be read by logging.config"),
        (("logging", LOGGING.replace("'/var/log/100%%.log'", "__import__('os')")), "is not one absolute path"),
    ],
)  # fmt: skip
def test_a_configuration_the_agent_would_misread_is_refused_with_the_reason(capsys, item, problem):
    code, err = check(capsys, item)
    assert code == 1
    assert problem in err


def test_the_datetime_format_with_a_time_zone_offset_passes(capsys):
    assert check(capsys, ("streams", STREAM + "datetime_format = %d/%b/%Y:%H:%M:%S %z\n", ["backend"])) == (0, "")


health_check = load("awslogs_health_check")


def test_the_health_check_reads_errors_logged_since_the_restart_only(tmp_path):
    log = tmp_path / "awslogs.log"
    log.write_text(
        "2026-11-25 04:59:59,001 WARNING MainThread cwlogs.push The encoding 'x' is unknown, using default\n"
        "2026-11-25 05:00:01,001 INFO MainThread cwlogs.push Loading additional configs\n"
        "2026-11-25 05:00:02,001 WARNING MainThread cwlogs.push Detected wrong logging config: boom\n"
        "Traceback (most recent call last):\n"
    )
    assert health_check.log_file_errors(str(log), "2026-11-25 05:00:00") == [
        "2026-11-25 05:00:02,001 WARNING MainThread cwlogs.push Detected wrong logging config: boom",
        "Traceback (most recent call last):",
    ]
    assert health_check.log_file_errors(str(tmp_path / "missing.log"), "2026-11-25 05:00:00") == []


def test_the_restart_time_comes_from_systemd():
    assert health_check.since_restart({"ActiveEnterTimestamp": "Wed 2026-11-25 05:00:00 UTC"}) == "2026-11-25 05:00:00"
    assert health_check.since_restart({"ActiveEnterTimestamp": ""}) is None


def test_the_host_probe_sees_globs_the_config_folder_and_a_pending_restart(tmp_path):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "logs.conf").write_text("")
    (tmp_path / "config" / "extra.conf~").write_text("")
    (tmp_path / "config" / "subdir").mkdir()
    (tmp_path / "logs").mkdir()
    (tmp_path / "app.log").write_text("")
    answer = host_probe.probe(str(tmp_path / "config"), str(tmp_path / "pending"), [str(tmp_path / "*")])
    assert answer["config_files"] == [str(tmp_path / "config" / "extra.conf~"), str(tmp_path / "config" / "logs.conf")]
    assert answer["restart_pending"] is False
    assert {(Path(m["path"]).name, m["isdir"]) for m in answer["matches"]} == {
        ("app.log", False), ("config", True), ("logs", True)
    }  # fmt: skip


def test_the_host_probe_asks_the_agents_interpreter_for_its_cwlogs_and_says_none_without_an_agent(tmp_path):
    agent = tmp_path / "aws"
    agent.write_text(f"#!{sys.executable}\n")
    marker = str(tmp_path / "pending")
    answer = host_probe.probe(str(tmp_path), marker, [], str(agent), 'print(\'{"cwlogs": "1.4.6"}\')')
    assert answer["cwlogs_push"] == {"cwlogs": "1.4.6"}
    without_agent = host_probe.probe(str(tmp_path), marker, [], str(tmp_path / "none"), "print(1)")
    assert without_agent["cwlogs_push"] is None


def test_the_host_probe_reads_checksums_as_find_does_and_skips_links(tmp_path):
    (tmp_path / "awslogs-web").write_text("policy\n")
    (tmp_path / "awslogs-web").chmod(0o640)
    (tmp_path / "other").write_text("")
    (tmp_path / "awslogs-link").symlink_to(tmp_path / "other")
    (found,) = host_probe.checksums([str(tmp_path), str(tmp_path / "missing")], ["awslogs-*"])
    assert found["path"] == str(tmp_path / "awslogs-web")
    assert found["checksum"] == hashlib.sha1(b"policy\n").hexdigest()
    assert found["mode"] == "0640"


def test_the_host_probe_reads_the_version_of_an_interpreter_or_says_why_not(tmp_path):
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert host_probe.python_version(sys.executable) == {"version": here, "error": ""}
    missing = host_probe.python_version(str(tmp_path / "python3.99"))
    assert missing["version"] is None
    assert "No such file" in missing["error"]
    assert host_probe.python_version(None) is None


def test_the_host_probe_says_a_unit_systemd_does_not_know_is_neither_enabled_nor_active():
    assert host_probe.service_state("awslogs-ops-no-such-unit") == {"enabled": False, "active": False}


def test_the_host_probe_keeps_the_self_check_until_the_extension_or_a_cwlogs_file_changes(tmp_path):
    cwlogs = tmp_path / "cwlogs"
    cwlogs.mkdir()
    (cwlogs / "push.py").write_text("# the agent\n")
    agent = tmp_path / "aws"
    agent.write_text(f"#!{sys.executable}\n")
    asked = tmp_path / "asked"
    check = f"open({str(asked)!r}, 'a').write('x'); print('{{\"push\": \"{cwlogs / 'push.py'}\"}}')"
    cache = str(tmp_path / "self-check.json")
    first = host_probe.cwlogs_push(str(agent), check, cache)
    assert first == {"push": str(cwlogs / "push.py")}
    assert host_probe.cwlogs_push(str(agent), check, cache) == first
    assert asked.read_text() == "x"  # the second answer came from the cache
    assert oct(Path(cache).stat().st_mode & 0o777) == "0o600"
    (cwlogs / "push.py").write_text("# the agent, updated\n")
    host_probe.cwlogs_push(str(agent), check, cache)
    host_probe.cwlogs_push(str(agent), check + "  # another extension", cache)
    assert asked.read_text() == "xxx"
    assert host_probe.cwlogs_push(str(agent), check, str(tmp_path / "missing" / "cache.json")) == first  # no cache
