"""Every accepted value works in the agent: text encodings only, no catastrophic pattern (controller and host)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from awslogs_regex_shape import backtracking_shape
from awslogs_streams import awslogs_stream_errors
from test_awslogs_config_check import FILES, load

GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
NOT_TEXT = ["rot13", "rot_13", "base64", "zip", "zlib", "hex", "bz2", "uu", "quopri", "idna", "punycode", "undefined"]
TEXT = ["utf_8", "euc_kr", "latin_1", "cp949", "shift_jis", "utf_16", "ascii"]
CATASTROPHIC = [
    "(a+)+$",
    "(a|a)*$",
    "(.*)*x",
    "(a*)*b",
    r"(\w+\s?)+$",
    r"(-?\d+)+x",
    "(x+x+)+y",
    "(a|b|ab)*c",
    "(.+,)+x",
]
LINEAR = [r"^\d{4}-\d\d-\d\d", r"^[^\s]", r"^(INFO|ERROR|WARN)", r"(\d+-)+x", r"^(\d+\.)+\d+$", r"(\S+ )+x", "(a+){2}"]
SLOW_LINE = "a" * 28 + "!"  # (a+)+$ takes over 20 s on it on an idle machine, past the 3 s bound


def errors(**stream) -> list[str]:
    return awslogs_stream_errors([{"name": "backend", "file": "/var/log/app.log", "log_group_name": GROUP, **stream}])


@pytest.mark.parametrize("codec", NOT_TEXT)
def test_a_codec_that_is_not_a_text_encoding_is_refused(codec):
    found = errors(encoding=codec)
    assert len(found) == 1 and found[0].startswith(f"awslogs_streams[backend].encoding {codec!r} is not a text"), found


@pytest.mark.parametrize("codec", TEXT)
def test_a_text_encoding_is_accepted(codec):
    assert errors(encoding=codec) == []


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_catastrophic_pattern_is_refused_at_the_controller(pattern):
    found = errors(multi_line_start_pattern=pattern)
    assert found == [
        f"awslogs_streams[backend].multi_line_start_pattern {pattern!r} can backtrack catastrophically "
        f"({backtracking_shape(pattern)}): the time to search one line doubles with each character and the "
        "stream's reader stalls; rewrite it without a repeat of a repeat or of overlapping alternatives"
    ]


@pytest.mark.parametrize("pattern", LINEAR)
def test_an_ordinary_pattern_is_accepted(pattern):
    assert errors(multi_line_start_pattern=pattern) == []


config_check = load("awslogs_config_check")
STREAM = "[backend]\nfile = /var/log/app.log\nlog_group_name = /app\nlog_stream_name = s\n"


@pytest.mark.parametrize("codec", NOT_TEXT)
def test_the_host_check_refuses_a_codec_that_is_not_a_text_encoding(capsys, codec):
    files = [{"path": "f", "check": "streams", "content": STREAM + f"encoding = {codec}\n", "sections": ["backend"]}]
    assert config_check.main(io.StringIO(json.dumps(files))) == 1
    assert f"[backend] encoding {codec!r} is not a text encoding" in capsys.readouterr().err


EXTENSION = (FILES / "awslogs_ops_cwlogs.py").read_text()


def agent_check(logs_conf: str, samples: list[str], extension: str = EXTENSION) -> subprocess.CompletedProcess[str]:
    """The host's agent check with this machine's agent (the .venv's aws command) as the host's."""
    aws = Path(sys.executable).parent / "aws"
    given = json.dumps(
        {"logs_conf": logs_conf, "extension": extension, "streams": [{"name": "backend", "samples": samples}]}
    )
    script = str(FILES / "awslogs_agent_check.py")
    return subprocess.run(
        [sys.executable, script, str(aws)], input=given, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_host_runs_the_agents_code_and_stops_a_pattern_that_stalls_it():
    done = agent_check(STREAM + "multi_line_start_pattern = (a+)+$\n", [SLOW_LINE + "aaaa"])
    assert done.returncode == 1
    assert "[backend] the agent's code took more than 3 s of CPU on a sample line" in done.stderr


def test_the_host_runs_the_agents_decoding_with_the_streams_encoding():
    done = agent_check(STREAM + "encoding = rot13\n", [])
    assert done.returncode == 1
    assert (
        "[backend] the agent's code fails on a sample line: LookupError: 'rot13' is not a text encoding" in done.stderr
    )


def test_a_good_stream_passes_the_agents_code():
    conf = STREAM + "datetime_format = %Y-%m-%d %H:%M:%S\nmulti_line_start_pattern = {datetime_format}\n"
    done = agent_check(conf, ["2026-11-24 10:00:00 INFO ok", "  continued"])
    assert (done.returncode, done.stderr) == (0, "")


KOREAN = "datetime_format = %Y년 %m월 %d일 %H:%M:%S\nmulti_line_start_pattern = {datetime_format}\n"


def test_a_korean_format_passes_the_agents_code_with_the_extension():
    done = agent_check(STREAM + KOREAN, ["2026년 12월 02일 09:00:00 INFO 결제", "  이어서"])
    assert (done.returncode, done.stderr) == (0, "")


def test_a_korean_format_fails_the_agents_code_without_the_extension():
    done = agent_check(STREAM + KOREAN, ["2026년 12월 02일 09:00:00 INFO 결제"], extension="")
    assert done.returncode == 1
    assert "[backend] the agent's code fails on a sample line: UnicodeEncodeError" in done.stderr
