"""Bad input stops site.yml with a message that names the stream and key,
before the host or the endpoint changes."""

import hashlib
import json

import pytest
from conftest import GROUPS

from tests.bench.playbook import run_site

FILE = "/var/log/containers/backend*.log"
GROUP = GROUPS["backend"]


def streams(**overrides) -> dict:
    backend = {"name": "backend", "file": FILE, "log_group_name": GROUP, "log_stream_name": "{instance_id}"}
    backend.update(overrides)
    return {"awslogs_streams": [{k: v for k, v in backend.items() if v is not None}]}


CASES = {
    "missing file": (streams(file=None), "awslogs_streams[backend].file is required"),
    "missing group": (streams(log_group_name=None), "awslogs_streams[backend].log_group_name is required"),
    "empty group": (streams(log_group_name=""), "awslogs_streams[backend].log_group_name must not be empty"),
    "long group": (streams(log_group_name="/" + "g" * 512), "awslogs_streams[backend].log_group_name is 513"),
    "bad group char": (streams(log_group_name="/my app"), "awslogs_streams[backend].log_group_name '/my app'"),
    "colon in stream": (streams(log_stream_name="a:b"), "awslogs_streams[backend].log_stream_name 'a:b'"),
    "star in stream": (streams(log_stream_name="a*"), "awslogs_streams[backend].log_stream_name 'a*'"),
    "short buffer": (streams(buffer_duration=4000), "awslogs_streams[backend].buffer_duration must be at least"),
    "big batch count": (streams(batch_count=10001), "awslogs_streams[backend].batch_count must be at most"),
    "big batch size": (streams(batch_size=1048577), "awslogs_streams[backend].batch_size must be at most"),
    "initial position": (streams(initial_position="top"), "awslogs_streams[backend].initial_position must be"),
    "time zone": (streams(time_zone="PST"), "awslogs_streams[backend].time_zone must be one of"),
    "encoding": (streams(encoding="ebcdic-x"), "awslogs_streams[backend].encoding 'ebcdic-x'"),
    "bad regex": (streams(multi_line_start_pattern="[a-"), "awslogs_streams[backend].multi_line_start_pattern"),
    "pattern without format": (
        streams(multi_line_start_pattern="{datetime_format}"),
        "awslogs_streams[backend].multi_line_start_pattern '{datetime_format}' needs a datetime_format",
    ),
    "fingerprint": (streams(file_fingerprint_lines="1-x"), "awslogs_streams[backend].file_fingerprint_lines"),
    "datetime format": (
        streams(datetime_format="%Y-%m-%d %Q"),
        "awslogs_streams[backend].datetime_format '%Y-%m-%d %Q' is not a pattern the agent can build",
    ),
    "sample line": (
        streams(datetime_format="%Y-%m-%d %H:%M:%S,%f", sample_line="INFO 2026-11-24 10:00:00 no milliseconds"),
        "awslogs_streams[backend].datetime_format '%Y-%m-%d %H:%M:%S,%f' matches none of sample_line",
    ),
    "same name twice": (
        {"awslogs_streams": [streams()["awslogs_streams"][0], {**streams()["awslogs_streams"][0], "file": "/x"}]},
        "awslogs_streams[backend].name: the name 'backend' is used twice",
    ),
    "same file and group twice": (
        {"awslogs_streams": [streams()["awslogs_streams"][0], {**streams()["awslogs_streams"][0], "name": "b2"}]},
        "awslogs_streams[b2].file: '/var/log/containers/backend*.log' is already shipped",
    ),
    "install method": ({"awslogs_install_method": "curl"}, "awslogs_install_method must be one of"),
    # The control-node play runs first and names its own copy of the setting.
    "region": (
        {"awslogs_region": "mars-north-1a"},
        'awslogs_iam_region must be a region name like eu-west-1, got \\"mars-north-1a\\"',
    ),
}


def _host_state(host) -> str:
    files = host.run("cat /etc/awslogs/awscli.conf /etc/awslogs/awslogs.conf /etc/awslogs/config/logs.conf").stdout
    started = host.run("systemctl show --property ActiveEnterTimestamp awslogsd").stdout
    return hashlib.sha256((files + started).encode()).hexdigest()


def _endpoint_state(logs) -> list:
    return sorted((g["logGroupName"], g.get("retentionInDays")) for g in logs.describe_log_groups()["logGroups"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_clearly_and_changes_nothing(host, logs, inventory, tmp_path, case):
    extra_vars, message = CASES[case]
    (tmp_path / "bad.json").write_text(json.dumps(extra_vars))
    before = (_host_state(host), _endpoint_state(logs))
    result = run_site(inventory, "--extra-vars", f"@{tmp_path / 'bad.json'}")
    assert result["rc"] != 0
    output = json.dumps(result["plays"])
    assert message in output.replace("\\\\", "\\"), output[-2000:]
    assert (_host_state(host), _endpoint_state(logs)) == before
