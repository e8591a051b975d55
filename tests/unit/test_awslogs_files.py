"""Unit tests of the stale-file comparison behind the one-find no-change path."""

import hashlib

from awslogs_files import awslogs_stale_files

WANTED = {"path": "/etc/awslogs/awslogs.conf", "content": "[general]\n", "mode": "0600"}
SHA1 = hashlib.sha1(b"[general]\n").hexdigest()


def found(**overrides):
    entry = {"path": WANTED["path"], "checksum": SHA1, "mode": "0600", "uid": 0, "gid": 0}
    entry.update(overrides)
    return [entry]


def test_an_identical_file_is_not_stale():
    assert awslogs_stale_files([WANTED], found()) == []


def test_a_missing_file_is_stale():
    assert awslogs_stale_files([WANTED], []) == [WANTED]


def test_other_content_mode_or_owner_makes_a_file_stale():
    for overrides in ({"checksum": "0" * 40}, {"mode": "0644"}, {"uid": 1000}, {"gid": 4}):
        assert awslogs_stale_files([WANTED], found(**overrides)) == [WANTED], overrides
