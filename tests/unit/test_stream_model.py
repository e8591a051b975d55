"""The stream model (plugins/module_utils): defaults, present/absent, group keys and specs, limits."""

from __future__ import annotations

import ast
from pathlib import Path

import awslogs_stream_model as model
import pytest

ROOT = Path(__file__).resolve().parents[2]
GROUP = "/aws/elasticbeanstalk/myapp-prd/var/log/containers/backend.log"


def stream(**overrides) -> dict:
    return {"name": "backend", "file": "/var/log/containers/backend*.log", "log_group_name": GROUP, **overrides}


def test_the_filters_and_the_module_import_one_and_the_same_model():
    from ansible_collections.awslogs_ops.awslogs.plugins.module_utils import awslogs_stream_model  # noqa: PLC0415

    assert awslogs_stream_model.RETENTION_DAYS == model.RETENTION_DAYS
    assert Path(awslogs_stream_model.__file__).resolve() == Path(model.__file__).resolve()


def test_the_model_needs_nothing_but_the_standard_library():
    tree = ast.parse((ROOT / "plugins" / "module_utils" / "awslogs_stream_model.py").read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported == {"__future__", "re", "unicodedata", "collections", "typing"}


def test_no_stream_key_belongs_to_two_kinds_and_every_kind_is_known():
    kinds = (
        model.AGENT_OPTIONS,
        model.GROUP_KEYS,
        model.CHECK_ONLY_OPTIONS,
        model.HOST_OPTIONS,
        model.CONTAINER_OPTIONS,
    )
    keys = [key for kind in kinds for key in kind]
    assert len(keys) == len(set(keys))
    assert {"name", *keys} == model.KNOWN_KEYS
    assert set(model.DEFAULTABLE_OPTIONS) <= set(model.AGENT_OPTIONS)
    assert model.GROUP_KEYS == ("retention_in_days", "kms_key_id", "tags", "state")


def test_defaults_fill_only_what_a_stream_leaves_out():
    streams = [stream(batch_count=5), stream(name="other"), "not a mapping"]
    merged = model.with_defaults(streams, {"batch_count": 100, "buffer_duration": 6000})
    assert merged[0] == stream(batch_count=5, buffer_duration=6000)
    assert merged[1] == stream(name="other", batch_count=100, buffer_duration=6000)
    assert merged[2] == "not a mapping"
    assert model.with_defaults(streams, None) is streams
    assert model.with_defaults(streams, {}) is streams


def test_only_the_defaultable_options_may_be_defaults():
    assert model.default_errors(None) == []
    assert model.default_errors({"batch_size": 1}) == []
    assert model.default_errors({"state": "absent", "file": "/x"}) == [
        "awslogs_stream_defaults may set only buffer_duration, batch_count, batch_size, not file, state"
    ]


def test_a_stream_is_shipped_unless_it_says_absent():
    shipped, gone, odd = stream(), stream(name="gone", state="absent"), stream(name="odd", state="present")
    assert [model.is_absent(item) for item in (shipped, gone, odd)] == [False, True, False]
    assert model.present([shipped, gone, odd]) == [shipped, odd]


def test_option_defaults():
    assert model.option(stream(), "log_stream_name") == "{instance_id}"
    assert model.option(stream(log_stream_name="{hostname}"), "log_stream_name") == "{hostname}"
    assert model.option(stream(), "state") == "present"
    assert model.option(stream(), "datetime_format") is None


def test_sample_lines_are_a_list():
    assert model.sample_lines(stream()) == []
    assert model.sample_lines(stream(sample_line="one")) == ["one"]
    assert model.sample_lines(stream(sample_line=["one", "two"])) == ["one", "two"]


def test_placeholders_are_resolved_only_when_known():
    assert model.resolve("{instance_id}-{hostname}", {"{instance_id}": "i-0abc"}) == "i-0abc-{hostname}"
    assert model.resolve("{instance_id}", {"{instance_id}": ""}) == "{instance_id}"


def test_label_names_a_stream_by_name_or_index():
    assert model.label(3, stream()) == "awslogs_streams[backend]"
    assert model.label(3, stream(name="two\nlines")) == "awslogs_streams[3]"
    assert model.label(3, "not a mapping") == "awslogs_streams[3]"


@pytest.mark.parametrize(("value", "number"), [(7, 7), ("30", 30), ("٣", None), ("²", None), (True, None), (1.5, None)])
def test_whole_numbers_are_ascii_digits(value, number):
    assert model.as_int(value) == number


@pytest.mark.parametrize(
    ("group", "valid"),
    [(GROUP, True), ("/a#b.c-d_e", True), ("x" * 512, True), ("x" * 513, False), ("", False), ("/g/*", False)],
)
def test_log_group_names(group, valid):
    assert model.valid_log_group_name(group) is valid
    assert (model.check_log_group_name(stream(log_group_name=group)) == []) is valid


def test_log_stream_name_limits_count_the_placeholders_longest_values():
    assert model.check_log_stream_name(stream()) == []
    assert model.longest_stream_name("{hostname}") == 64
    errors = model.check_log_stream_name(stream(log_stream_name="{hostname}" * 9))
    assert errors == [
        "log_stream_name can be 576 characters long once the agent replaces its placeholders (up to "
        "{instance_id} 19, {hostname} 64, {ip_address} 15 characters), the limit is 512"
    ]
    assert model.check_log_stream_name(stream(log_stream_name="a:b*{pid}")) == [
        "log_stream_name 'a:b*{pid}' must not contain ':'",
        "log_stream_name 'a:b*{pid}' must not contain '*'",
        "log_stream_name has unknown placeholder(s) {pid}; the agent knows {hostname}, {instance_id}, {ip_address}",
    ]


def test_retention_state_tags_container_and_unknown_keys():
    assert model.check_retention(stream(retention_in_days="3653")) == []
    assert model.check_retention(stream(retention_in_days=42))[0].startswith("retention_in_days 42 is not a value")
    assert model.check_state(stream(state="gone")) == ["state must be one of present, absent, got 'gone'"]
    assert model.check_tags(stream(tags=["a"])) == ["tags must be a mapping of tag names to values"]
    assert model.check_container(stream(container="web")) == []
    assert model.check_container(stream(container="-web"))[0].startswith("container must name a Compose service")
    assert model.check_unknown(stream(colour="red"))[0].startswith("unknown key(s) colour; known keys are ")
    assert model.check_name(stream(name="a b")) == ["name 'a b' may hold only letters, digits, '.', '_' and '-'"]


def test_a_name_twice_and_a_file_twice_to_one_group_are_duplicates():
    assert model.duplicate_errors([stream(), stream(file="/var/log/other.log")]) == [
        "awslogs_streams[backend].name: the name 'backend' is used twice (entries 0 and 1)"
    ]
    assert model.duplicate_errors([stream(), stream(name="again")]) == [
        f"awslogs_streams[again].file: '/var/log/containers/backend*.log' is already shipped to {GROUP!r} "
        "by stream 'backend'"
    ]


def test_groups_keep_their_first_order_and_only_shipped_ones_are_named():
    streams = [
        stream(name="a", log_group_name="/g/1"),
        stream(name="b", log_group_name="/g/2", state="absent"),
        stream(name="c", log_group_name="/g/1"),
        stream(name="d", log_group_name="/g/3"),
    ]
    assert list(model.group_streams(streams)) == ["/g/1", "/g/2", "/g/3"]
    assert model.present_groups(streams) == ["/g/1", "/g/3"]


def test_group_specs_merge_the_group_keys_of_their_streams():
    streams = [
        stream(name="a", log_group_name="/g/1", retention_in_days="7"),
        stream(name="b", log_group_name="/g/1", kms_key_id="arn:aws:kms:k", tags={"team": "web"}),
        stream(name="c", log_group_name="/g/2", state="absent", kms_key_id=""),
    ]
    assert model.group_specs(streams, 30) == [
        {
            "name": "/g/1",
            "state": "present",
            "retention_in_days": 7,
            "kms_key_id": "arn:aws:kms:k",
            "tags": {"team": "web"},
            "streams": ["a", "b"],
        },
        {
            "name": "/g/2",
            "state": "absent",
            "retention_in_days": 30,
            "kms_key_id": None,
            "tags": None,
            "streams": ["c"],
        },
    ]
    assert model.group_errors(streams) == []


def test_a_group_one_stream_ships_to_and_another_deletes_is_refused():
    streams = [stream(name="a"), stream(name="b", file="/var/log/b.log", state="absent")]
    assert model.group_errors(streams) == [
        f"awslogs_streams[b].state: absent would delete the log group {GROUP!r}, which stream(s) a still ship to; "
        "give that stream its own group, or set state: absent on every stream of the group"
    ]


def test_streams_of_one_group_must_agree_on_its_keys():
    streams = [stream(name="a", retention_in_days=7), stream(name="b", file="/b.log", retention_in_days=30)]
    assert model.group_errors(streams) == [
        f"awslogs_streams[a].retention_in_days: streams a, b share the log group {GROUP!r} but set "
        "retention_in_days differently (30, 7)"
    ]


def test_a_name_used_twice_in_a_refused_group_is_named_once_with_its_last_state():
    streams = [stream(name="a"), stream(name="b", state="absent"), stream(name="a", state="absent")]
    assert model.group_errors(streams) == [] == model.group_errors(streams[1:])
    streams.append(stream(name="c"))
    assert model.group_errors(streams)[0].startswith("awslogs_streams[a].state: absent would delete")
    assert "which stream(s) c still ship to" in model.group_errors(streams)[0]
