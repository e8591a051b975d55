"""Compare the files a role renders with what ``ansible.builtin.find`` saw.

A converged host then costs one ``find`` round trip instead of one
``template`` call per file; only the files returned here are written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()  # the algorithm find reports


def awslogs_stale_files(wanted: Iterable[Mapping], found: Iterable[Mapping]) -> list[Mapping]:
    """Return the wanted files (path, content, mode) that are missing or differ.

    A file differs when its content, its mode or its owner (root) is not the
    wanted one.
    """
    on_host = {entry["path"]: entry for entry in found}
    stale = []
    for item in wanted:
        seen = on_host.get(item["path"])
        if (
            seen is None
            or seen.get("checksum") != _sha1(item["content"])
            or seen.get("mode") != item["mode"]
            or seen.get("uid") != 0
            or seen.get("gid") != 0
        ):
            stale.append(item)
    return stale


class FilterModule:
    def filters(self) -> dict:
        return {"awslogs_stale_files": awslogs_stale_files}
