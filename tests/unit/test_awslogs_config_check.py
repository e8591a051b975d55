"""Unit tests of the check the restart handler runs on the host."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "roles" / "awslogs" / "files" / "awslogs_config_check.py"
_spec = importlib.util.spec_from_file_location("awslogs_config_check", SCRIPT)
config_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(config_check)

GENERAL = "[general]\nstate_file = /var/lib/awslogs/agent-state\n"
STREAM = "[backend]\nfile = /var/log/app.log\nlog_group_name = /app\nbuffer_duration = 5000\n"


@pytest.fixture
def layout(tmp_path):
    def write(general: str, streams: str) -> tuple[str, str]:
        (tmp_path / "awslogs.conf").write_text(general)
        (tmp_path / "config").mkdir()
        (tmp_path / "config" / "logs.conf").write_text(streams)
        return str(tmp_path / "awslogs.conf"), str(tmp_path / "config")

    return write


def test_a_good_configuration_passes(layout, capsys):
    assert config_check.main(*layout(GENERAL, STREAM)) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("general", "streams", "problem"),
    [
        ("[general]\n", STREAM, "[general] needs a state_file"),
        (GENERAL, "[backend]\nlog_group_name = /app\n", "[backend] has no file"),
        (GENERAL, "[backend]\nfile = /x\n", "[backend] has no log_group_name"),
        (GENERAL, STREAM.replace("5000", "5s"), "[backend] buffer_duration is not a number"),
        (GENERAL, "not an ini file", "File contains no section headers"),
    ],
)
def test_a_broken_configuration_is_refused_with_the_reason(layout, capsys, general, streams, problem):
    assert config_check.main(*layout(general, streams)) == 1
    assert problem in capsys.readouterr().err
