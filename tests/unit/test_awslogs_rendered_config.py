"""The role's templates rendered, then read by the agent's own loaders.

awscli-cwlogs 1.4.6 reads logs.conf with its ``_get_config`` (configparser)
and logging.conf with ``logging.config.fileConfig``; these tests prove that
what the role writes loads as exactly the intended sections, and that the
findings of issue 8 were real before the checks refused them.
"""

from __future__ import annotations

import logging.config
import os
from pathlib import Path

import awscli  # noqa: F401 - cwlogs needs the botocore awscli vendors  # pylint: disable=unused-import
import jinja2
import pytest
from awslogs_streams import (
    awslogs_agent_sections,
    awslogs_setting_errors,
    awslogs_single_line,
    awslogs_stream_errors,
    awslogs_unit_sandbox,
    awslogs_unit_value,
)
from cwlogs.push import LogsPushCommand

TEMPLATES = Path(__file__).resolve().parents[2] / "roles" / "awslogs" / "templates"
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"
STREAMS = [
    {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": GROUP,
     "datetime_format": "%Y-%m-%d %H:%M:%S", "multi_line_start_pattern": "{datetime_format}"},
    {"name": "nginx-access", "file": "/var/log/nginx/access.log", "log_group_name": "/x/access.log"},
]  # fmt: skip
INJECTION = f"^\\d{{4}}-\n[zz]\nfile = /etc/shadow\nlog_group_name = {GROUP}\nlog_stream_name = x"


def render(template: str, guard=awslogs_single_line, **variables) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), trim_blocks=True, autoescape=False)
    environment.filters.update(
        comment=lambda text: f"# {text}",
        dirname=os.path.dirname,
        **{
            "awslogs_ops.awslogs.awslogs_agent_sections": awslogs_agent_sections,
            "awslogs_ops.awslogs.awslogs_single_line": guard,
            "awslogs_ops.awslogs.awslogs_unit_value": awslogs_unit_value,
            "awslogs_ops.awslogs.awslogs_unit_sandbox": awslogs_unit_sandbox,
        },
    )
    return environment.get_template(template).render(ansible_managed="managed", **variables)


def agent_sections(tmp_path: Path, logs_conf: str) -> dict[str, dict[str, str]]:
    """What the agent loads: {section: {option: value}} without its defaults."""
    (tmp_path / "awslogs.conf").write_text("[general]\nstate_file = /var/lib/awslogs/agent-state\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "logs.conf").write_text(logs_conf)
    config = LogsPushCommand._get_config(None, str(tmp_path / "awslogs.conf"), str(tmp_path / "config"))
    defaults = config.defaults()
    return {
        section: {key: value for key, value in config.items(section) if defaults.get(key) != value}
        for section in config.sections()
    }


def logs_conf(streams: list[dict], guard=awslogs_single_line) -> str:
    return render("logs.conf.j2", guard, awslogs_streams=streams, _awslogs_instance_id="i-0123456789abcdef0")


def test_the_rendered_logs_conf_loads_as_exactly_the_intended_sections(tmp_path):
    assert awslogs_stream_errors(STREAMS) == []
    loaded = agent_sections(tmp_path, logs_conf(STREAMS))
    assert list(loaded) == ["general", "backend", "nginx-access"]
    assert loaded["backend"] == {
        "file": "/var/log/containers/backend*.log",
        "log_group_name": GROUP,
        "log_stream_name": "i-0123456789abcdef0",
        "datetime_format": "%Y-%m-%d %H:%M:%S",
        "multi_line_start_pattern": "{datetime_format}",
    }


def test_the_injection_of_issue_8_is_refused_by_the_checks_and_by_the_template(tmp_path):
    streams = [{**STREAMS[0], "multi_line_start_pattern": INJECTION}]
    # Without the checks the agent loads a second stream that ships /etc/shadow.
    loaded = agent_sections(tmp_path, logs_conf(streams, guard=str))
    assert loaded["zz"]["file"] == "/etc/shadow"
    assert awslogs_stream_errors(streams) == [
        "awslogs_streams[backend].multi_line_start_pattern must not contain control characters or line breaks "
        f"(found '\\n'), got {INJECTION!r}"
    ]
    with pytest.raises(ValueError, match="refusing to render a line break"):
        logs_conf(streams)


@pytest.mark.parametrize(
    ("name", "what_the_agent_does"),
    [
        ("general", lambda loaded: "backend" not in loaded and "general" in loaded),
        ("DEFAULT", lambda loaded: list(loaded) == ["general"]),
    ],
)
def test_reserved_section_names_are_refused(tmp_path, name, what_the_agent_does):
    streams = [{**STREAMS[0], "name": name}]
    assert what_the_agent_does(agent_sections(tmp_path, logs_conf(streams)))
    assert "is a section name the agent reserves" in awslogs_stream_errors(streams)[0]


def test_the_log_file_is_a_plain_path_that_logging_config_reads_back(tmp_path):
    path = tmp_path / "100%" / "awslogs.log"
    path.parent.mkdir()
    conf = tmp_path / "logging.conf"
    conf.write_text(render("logging.conf.j2", awslogs_log_level="INFO", awslogs_log_file=str(path)))
    assert awslogs_setting_errors({"awslogs_log_file": str(path)}) == []
    logging.config.fileConfig(conf, disable_existing_loggers=False)
    try:
        assert logging.getLogger("cwlogs").handlers[0].baseFilename == str(path)
    finally:
        logging.getLogger("cwlogs").handlers.clear()
        logging.getLogger().handlers.clear()


def test_a_quote_in_the_log_file_was_code_and_is_refused(tmp_path):
    marker = tmp_path / "ran"
    payload = f"/tmp/a.log',)+(__import__('pathlib').Path('{marker}').touch(),)+('"
    conf = tmp_path / "logging.conf"
    conf.write_text(render("logging.conf.j2", awslogs_log_level="INFO", awslogs_log_file=payload))
    with pytest.raises(Exception):  # noqa: B017  (the handler's args are not a file name)
        logging.config.fileConfig(conf, disable_existing_loggers=False)
    logging.getLogger().handlers.clear()
    assert marker.exists()
    assert awslogs_setting_errors({"awslogs_log_file": payload}) == [
        f"awslogs_log_file must be empty or a plain absolute path (letters, digits and ._+@%,=~- between "
        f'slashes), got "{payload}"'
    ]


def test_a_percent_in_a_path_of_the_agents_unit_is_a_literal_percent():
    unit = render(
        "awslogsd.service.j2",
        awslogs_venv="/opt/aws%n",
        awslogs_state_file="/var/lib/100%/agent-state",
        awslogs_log_file="/var/log/100%/awslogs.log",
        awslogs_streams=STREAMS,
    )
    values = dict(line.split("=", 1) for line in unit.splitlines() if line.startswith(("ExecStart=", "ReadWrite")))
    assert values["ExecStart"].startswith("/opt/aws%%n/bin/aws logs push")
    assert [line for line in unit.splitlines() if line.startswith("ReadWritePaths=")] == [
        "ReadWritePaths=/var/lib/100%%",
        "ReadWritePaths=-/var/log/100%%",
    ]
    # systemd reads "%%" as "%" and any other "%x" as a specifier: none is left.
    assert "%" not in unit.split("[Service]", 1)[1].replace("%%", "")


def hidden_paths(unit: str) -> list[str]:
    return [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("InaccessiblePaths=")]


def test_the_agents_unit_hides_the_sensitive_paths_but_those_a_stream_allows():
    state = {
        "awslogs_venv": "/opt/awslogs",
        "awslogs_state_file": "/var/lib/awslogs/agent-state",
        "awslogs_log_file": "",
    }
    unit = render("awslogsd.service.j2", awslogs_streams=STREAMS, **state)
    assert {"-/etc/shadow", "-/etc/ssh", "-/root", "-/etc/sudoers.d", "-/opt/awslogs/.pip-environment"} <= set(
        hidden_paths(unit)
    )
    assert "ProtectHome=yes" in unit.splitlines()
    auth = {"name": "auth", "file": "/etc/shadow", "log_group_name": GROUP, "allow_sensitive": True}
    home = {"name": "home", "file": "/home/*/app/app.log", "log_group_name": GROUP}
    unit = render("awslogsd.service.j2", awslogs_streams=[*STREAMS, auth, home], **state)
    assert "-/etc/shadow" not in hidden_paths(unit)
    assert "-/etc/ssh" in hidden_paths(unit)
    assert "ProtectHome=read-only" in unit.splitlines()
