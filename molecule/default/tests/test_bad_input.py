"""Bad input stops site.yml with a message that names the stream and key,
before the host or the endpoint changes."""

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import FILES, GROUPS

from tests.bench.playbook import run_site

FILE = "/var/log/containers/backend*.log"
GROUP = GROUPS["backend"]
BACKEND = "awslogs_streams[backend]"
NOT_ONE_LINE = "must not contain control characters or line breaks"
SPACES = "must not begin or end with whitespace"
# Issue 13: a secret that must appear in no message; a link and a directory planted on the host for two cases.
SECRET = "S3cr3t-PASS"
PLANTED = "/var/log/planted"
WRITABLE = "/var/log/writable"
INJECTION = f"^\\d{{4}}-\n[zz]\nfile = /etc/shadow\nlog_group_name = {GROUP}\nlog_stream_name = x"


def streams(**overrides) -> dict:
    backend = {"name": "backend", "file": FILE, "log_group_name": GROUP, "log_stream_name": "{instance_id}"}
    backend.update(overrides)
    return {"awslogs_streams": [{k: v for k, v in backend.items() if v is not None}]}


def on_every_group(**overrides) -> dict:
    """A bad backend stream beside the two nginx streams: a case that passes the control-node play then
    leaves the agent's policy on the same three groups (it changes nothing at the endpoint)."""
    nginx = [
        {"name": name, "file": FILES[name], "log_group_name": GROUPS[name]} for name in ("nginx-access", "nginx-error")
    ]
    return {"awslogs_streams": [*streams(**overrides)["awslogs_streams"], *nginx]}


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
    "time zone": (streams(time_zone="PST"), "awslogs_streams[backend].time_zone must be UTC, LOCAL or an IANA"),
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
    # Issue 8: the example that wrote a second section shipping /etc/shadow into an allowed group.
    "newline injects a section": (
        streams(multi_line_start_pattern=INJECTION),
        f"{BACKEND}.multi_line_start_pattern {NOT_ONE_LINE}",
    ),
    "newline in file": (streams(file=f"{FILE}\n[x]"), f"{BACKEND}.file {NOT_ONE_LINE}"),
    "newline in stream name": (
        streams(log_stream_name="a\nfile = /etc/shadow"),
        f"{BACKEND}.log_stream_name {NOT_ONE_LINE}",
    ),
    "newline in datetime format": (streams(datetime_format="%Y\n[x]"), f"{BACKEND}.datetime_format {NOT_ONE_LINE}"),
    "newline in encoding": (streams(encoding="utf_8\n[x]"), f"{BACKEND}.encoding {NOT_ONE_LINE}"),
    "carriage return in group": (streams(log_group_name=GROUP + "\r"), f"{BACKEND}.log_group_name {NOT_ONE_LINE}"),
    "trailing newline in name": (streams(name="backend\n"), f"awslogs_streams[0].name {NOT_ONE_LINE}"),
    "newline in kms key": (streams(kms_key_id="arn:aws:kms:x\n"), f"{BACKEND}.kms_key_id {NOT_ONE_LINE}"),
    "newline in a tag": (streams(tags={"team": "a\nb"}), f"{BACKEND}.tags {NOT_ONE_LINE}"),
    "leading space in pattern": (
        streams(multi_line_start_pattern=" ERROR"),
        f"{BACKEND}.multi_line_start_pattern {SPACES}",
    ),
    "trailing newline in region": ({"awslogs_region": "ap-northeast-2\n"}, f"awslogs_iam_region {NOT_ONE_LINE}"),
    "newline in endpoint": (
        {"awslogs_endpoint_url": "http://127.0.0.1:5101\nregion = us-east-1"},
        f"awslogs_endpoint_url {NOT_ONE_LINE}",
    ),
    "newline in access key id": (
        {"awslogs_aws_access_key_id": "testing\n[x]"},
        f"awslogs_aws_access_key_id {NOT_ONE_LINE}",
    ),
    "newline in session token": ({"awslogs_aws_session_token": "t\n[x]"}, f"awslogs_aws_session_token {NOT_ONE_LINE}"),
    "newline in proxy": ({"awslogs_https_proxy": "http://proxy:3128\nX=1"}, f"awslogs_https_proxy {NOT_ONE_LINE}"),
    "quote in log file": (
        {"awslogs_log_file": "/var/log/a.log'+__import__('os').system('touch /pwned')+'"},
        "awslogs_log_file must be empty or a plain absolute path",
    ),
    "relative log file": (
        {"awslogs_log_file": "awslogs.log"},
        "awslogs_log_file must be empty or a plain absolute path",
    ),
    "relative state file": ({"awslogs_state_file": "state"}, "awslogs_state_file must be a plain absolute path"),
    "bad instance id": ({"awslogs_instance_id": "web-1"}, "awslogs_instance_id must be empty or an EC2 instance id"),
    "section general": (streams(name="general"), "awslogs_streams[general].name 'general' is a section name the agent"),
    "section DEFAULT": (streams(name="DEFAULT"), "awslogs_streams[DEFAULT].name 'DEFAULT' is a section name the agent"),
    "section Default": (streams(name="Default"), "awslogs_streams[Default].name 'Default' is a section name the agent"),
    "superscript batch count": (streams(batch_count="²"), f"{BACKEND}.batch_count must be a whole number"),
    "arabic digit fingerprint": (
        streams(file_fingerprint_lines="\u0661"),
        f"{BACKEND}.file_fingerprint_lines must be N or N-M",
    ),
    "huge buffer": (streams(buffer_duration=10**30), f"{BACKEND}.buffer_duration must be at most 86400000"),
    "blank stream name": (streams(log_stream_name="   "), f"{BACKEND}.log_stream_name {SPACES}"),
    "long after substitution": (
        streams(log_stream_name="s" * 498 + "{instance_id}"),
        f"{BACKEND}.log_stream_name can be 517 characters long once the agent replaces its placeholders",
    ),
    "ships the state file": (
        streams(file="/var/lib/awslogs/*"),
        f"{BACKEND}.file '/var/lib/awslogs/*' matches the agent's own",
    ),
    "ships the credentials": (streams(file="/etc/awslogs/*.conf"), f"{BACKEND}.file '/etc/awslogs/*.conf' matches"),
    "ships its own log": (
        {**streams(file="/var/log/aws*.log"), "awslogs_log_file": "/var/log/awslogs.log"},
        f"{BACKEND}.file '/var/log/aws*.log' matches the agent's own file '/var/log/awslogs.log'",
    ),
    # Issue 13: what a stream may read, values the agent cannot use, a group still in use.
    "sensitive file": (streams(file="/etc/shadow"), f"{BACKEND}.file '/etc/shadow' can match the sensitive path"),
    "dot-dot to a sensitive file": (
        streams(file="/var/log/../../etc/shadow"),
        f"{BACKEND}.file '/var/log/../../etc/shadow' can match the sensitive path '/etc/shadow*'",
    ),
    "glob reaches host keys": (streams(file="/etc/ssh/*"), f"{BACKEND}.file '/etc/ssh/*' can match the sensitive"),
    "own file through //": (
        streams(file="/etc/awslogs//awscli.conf"),
        f"{BACKEND}.file '/etc/awslogs//awscli.conf' matches the agent's own file '/etc/awslogs/awscli.conf'",
    ),
    "allow_sensitive not a boolean": (
        streams(allow_sensitive="yes"),
        f"{BACKEND}.allow_sensitive must be true or false",
    ),
    "not a text encoding": (streams(encoding="rot13"), f"{BACKEND}.encoding 'rot13' is not a text encoding"),
    "catastrophic pattern": (
        streams(multi_line_start_pattern="(a+)+$"),
        f"{BACKEND}.multi_line_start_pattern '(a+)+$' can backtrack catastrophically",
    ),
    "proxy password": (
        {"awslogs_https_proxy": f"http://user:{SECRET}@proxy:3128\n"},
        "awslogs_https_proxy must not contain control characters",
    ),
    "pip index token": (
        {"awslogs_pip_environment": {"PIP_INDEX_URL": f"https://user:{SECRET}@pypi.example/simple "}},
        "awslogs_pip_environment must not begin or end with whitespace",
    ),
    "absent stream on a group in use": (
        {
            "awslogs_streams": [
                streams()["awslogs_streams"][0],
                {**streams()["awslogs_streams"][0], "name": "old", "file": "/var/log/old.log", "state": "absent"},
            ]
        },
        f"awslogs_streams[old].state: absent would delete the log group '{GROUP}', which stream(s) backend",
    ),
    # Checked on the host, before anything on it changes.
    "symlink to a secret": (
        on_every_group(file=f"{PLANTED}/*.log"),
        f"{BACKEND}.file '{PLANTED}/*.log' matches '{PLANTED}/backend-x.log', a symlink to '/etc/shadow'",
    ),
    "directory others can write": (
        on_every_group(file=f"{WRITABLE}/*.log"),
        f"{BACKEND}.file '{WRITABLE}/*.log' is read from '{WRITABLE}', which a user other than root can write to",
    ),
    "file is a directory": (streams(file="/var/log"), f"{BACKEND}.file '/var/log' is a directory on this host"),
    "instance id off EC2": (
        {"awslogs_instance_id": ""},
        "awslogs_streams[backend].log_stream_name, awslogs_streams[nginx-access].log_stream_name, "
        "awslogs_streams[nginx-error].log_stream_name uses {instance_id}, but this host is not an EC2 instance",
    ),
}


def _host_state(host) -> str:
    """The agent's files (all of /etc/awslogs), the pending-restart marker and the agent's start time."""
    state = host.run(
        "find /etc/awslogs /var/lib/awslogs -maxdepth 2 -type f ! -name 'agent-state*' -exec sha1sum {} +;"
        " systemctl show --property ActiveEnterTimestamp awslogsd"
    ).stdout
    return hashlib.sha256(state.encode()).hexdigest()


def _endpoint_state(logs) -> list:
    return sorted((g["logGroupName"], g.get("retentionInDays")) for g in logs.describe_log_groups()["logGroups"])


@pytest.fixture(scope="module")
def bad_runs(host, logs, inventory, tmp_path_factory):
    """Every case runs site.yml, side by side (each takes seconds, nearly all of it Ansible starting up);
    the host and the endpoint are read before and after all of them."""
    folder = tmp_path_factory.mktemp("bad-input")
    for index, case in enumerate(sorted(CASES)):
        (folder / f"{index}.json").write_text(json.dumps(CASES[case][0]))
    host.run_expect(
        [0],
        f"mkdir -p {PLANTED} {WRITABLE} && ln -sf /etc/shadow {PLANTED}/backend-x.log && chown nobody {WRITABLE}",
    )
    before = (_host_state(host), _endpoint_state(logs))
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = pool.map(
            lambda index: run_site(inventory, "--extra-vars", f"@{folder / f'{index}.json'}"), range(len(CASES))
        )
        runs = dict(zip(sorted(CASES), results, strict=True))
    host.run_expect([0], f"rm -rf {PLANTED} {WRITABLE}")
    return runs, before, (_host_state(host), _endpoint_state(logs))


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_clearly_and_changes_nothing(bad_runs, case):
    runs, before, after = bad_runs
    result, message = runs[case], CASES[case][1]
    assert result["rc"] != 0
    output = json.dumps(result["plays"])
    assert message in output.replace("\\\\", "\\"), output[-2000:]
    assert SECRET not in output + result.get("stdout", "") + result.get("stderr", "")
    assert after == before
