"""Make sure the systemd base images of the bench hosts exist.

No registry is reachable on the bench, so each image is built from Debian's
packages with debootstrap: one per Debian release the platforms scenario runs
(bullseye: Python 3.9, bookworm: 3.11, trixie: 3.13); every other scenario
uses bookworm's. Where a registry is reachable, set AWSLOGS_BENCH_IMAGE (and
AWSLOGS_BENCH_IMAGE_BULLSEYE, AWSLOGS_BENCH_IMAGE_TRIXIE) to an official image
(debian:bookworm, ubuntu:24.04, amazonlinux:2023) and
AWSLOGS_BENCH_PREBUILT=false: molecule then builds the host from
molecule/default/Dockerfile.j2 on top of it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.bench.process import BenchError, run, succeeds

# Release -> the python3 it ships (docs/platforms.md).
RELEASES = {"bullseye": "3.9", "bookworm": "3.11", "trixie": "3.13"}
DEFAULT_RELEASE = "bookworm"
DEFAULT_IMAGE = f"awslogs-ops/debian-systemd:{DEFAULT_RELEASE}"
DEBOOTSTRAP_PACKAGES = "python3,systemd,systemd-sysv,procps"


def image_variable(release: str = DEFAULT_RELEASE) -> str:
    return "AWSLOGS_BENCH_IMAGE" if release == DEFAULT_RELEASE else f"AWSLOGS_BENCH_IMAGE_{release.upper()}"


def built_image(release: str) -> str:
    return f"awslogs-ops/debian-systemd:{release}"


def image_name(release: str = DEFAULT_RELEASE) -> str:
    return os.environ.get(image_variable(release), built_image(release))


def prebuilt() -> bool:
    return os.environ.get("AWSLOGS_BENCH_PREBUILT", "true").lower() not in ("false", "0", "no")


def _install_debootstrap() -> None:
    if os.geteuid() != 0:
        raise BenchError("debootstrap is missing: install it (apt-get install debootstrap), then try again.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-q", env=env)
    run("apt-get", "install", "-y", "-q", "debootstrap", env=env)


def _build_with_debootstrap(release: str, name: str) -> None:
    if not Path(f"/usr/share/debootstrap/scripts/{release}").exists():
        raise BenchError(f"this debootstrap does not know {release}: upgrade it (apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(prefix=f"awslogs-rootfs-{release}-") as rootfs:
        print(f"bench: building {name} with debootstrap (about a minute)", flush=True)
        run("debootstrap", "--variant=minbase", f"--include={DEBOOTSTRAP_PACKAGES}", release, rootfs)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            ["docker", "import", "-", name], stdin=tar.stdout, capture_output=True, text=True, check=False
        )
        tar.wait()
        if imported.returncode != 0 or tar.returncode != 0:
            raise BenchError(f"docker import of {name} failed: {imported.stderr.strip()}")


def ensure_image(release: str = DEFAULT_RELEASE) -> str:
    name = image_name(release)
    if not prebuilt():
        return f"image: molecule builds the hosts from {name}"
    if succeeds("docker", "image", "inspect", name):
        return f"image: {name} is there"
    if name != built_image(release):
        if succeeds("docker", "pull", name):
            return f"image: pulled {name}"
        raise BenchError(f"image {name} is neither local nor pullable")
    # Two worktrees' setups may want the same image at once: one builds it, the other finds it.
    with open(f"/tmp/awslogs-bench-image-{release}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if succeeds("docker", "image", "inspect", name):
            return f"image: {name} is there"
        if shutil.which("debootstrap") is None:
            _install_debootstrap()
        _build_with_debootstrap(release, name)
    return f"image: built {name}"


def ensure_images() -> list[str]:
    """Every release's image; the missing ones are built side by side (the wait is the package mirror)."""
    missing = [
        r
        for r in RELEASES
        if image_name(r) == built_image(r) and not succeeds("docker", "image", "inspect", image_name(r))
    ]
    if prebuilt() and missing and shutil.which("debootstrap") is None:
        _install_debootstrap()  # once, before the builds
    with ThreadPoolExecutor(max_workers=len(RELEASES)) as pool:
        return list(pool.map(ensure_image, RELEASES))
