"""Make sure the systemd base image of the bench hosts exists.

No registry is reachable on the bench, so the image is built from Debian's
packages with debootstrap. Where a registry is reachable, set
AWSLOGS_BENCH_IMAGE to an official image (debian:bookworm, ubuntu:24.04,
amazonlinux:2023) and AWSLOGS_BENCH_PREBUILT=false: molecule then builds the
host from molecule/default/Dockerfile.j2 on top of it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from tests.bench.process import BenchError, run, succeeds

DEFAULT_IMAGE = "awslogs-ops/debian-systemd:bookworm"
DEBOOTSTRAP_PACKAGES = "python3,systemd,systemd-sysv,procps"


def image_name() -> str:
    return os.environ.get("AWSLOGS_BENCH_IMAGE", DEFAULT_IMAGE)


def prebuilt() -> bool:
    return os.environ.get("AWSLOGS_BENCH_PREBUILT", "true").lower() not in ("false", "0", "no")


def _build_with_debootstrap(name: str) -> None:
    if shutil.which("debootstrap") is None:
        if os.geteuid() != 0:
            raise BenchError("debootstrap is missing: install it (apt-get install debootstrap), then try again.")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-q", env=env)
        run("apt-get", "install", "-y", "-q", "debootstrap", env=env)
    with tempfile.TemporaryDirectory(prefix="awslogs-rootfs-") as rootfs:
        print(f"bench: building {name} with debootstrap (about a minute)", flush=True)
        run("debootstrap", "--variant=minbase", f"--include={DEBOOTSTRAP_PACKAGES}", "bookworm", rootfs)
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(
            ["docker", "import", "-", name], stdin=tar.stdout, capture_output=True, text=True, check=False
        )
        tar.wait()
        if imported.returncode != 0 or tar.returncode != 0:
            raise BenchError(f"docker import of {name} failed: {imported.stderr.strip()}")


def ensure_image() -> str:
    name = image_name()
    if not prebuilt():
        return f"image: molecule builds the hosts from {name}"
    if succeeds("docker", "image", "inspect", name):
        return f"image: {name} is there"
    if name != DEFAULT_IMAGE:
        if succeeds("docker", "pull", name):
            return f"image: pulled {name}"
        raise BenchError(f"image {name} is neither local nor pullable")
    _build_with_debootstrap(name)
    return f"image: built {name}"
