"""The side file of a daily load is a clone where the file system can make one
(`clone_or_copy`, copy_file_range(2)), an exact copy everywhere, and a plain
`shutil` copy when the kernel refuses. The clone itself needs a copy-on-write
file system (btrfs, XFS): measured in benchmarks/results.md, not here."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from ccw.warehouse import build
from ccw.warehouse.build import clone_or_copy


def _file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    os.utime(path, (1_700_000_000, 1_700_000_000))
    return path


@pytest.mark.parametrize("size", [0, 1, 3 * 2**20 + 17])
def test_the_copy_is_exact_and_keeps_the_modification_time(tmp_path: Path, size: int) -> None:
    src = _file(tmp_path / "w.duckdb", size)
    dst = tmp_path / "side" / "w.duckdb"
    dst.parent.mkdir()
    how = clone_or_copy(src, dst)
    assert dst.read_bytes() == src.read_bytes()
    assert dst.stat().st_mtime == src.stat().st_mtime
    expected = "copy_file_range" if hasattr(os, "copy_file_range") and size else "shutil"
    # a kernel or file system without copy_file_range for these files falls back to shutil
    assert how in (expected, "shutil")


@pytest.mark.parametrize("refusal", [errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL])
def test_a_kernel_that_refuses_copy_file_range_gets_shutil(tmp_path: Path, monkeypatch, refusal: int) -> None:
    def refuse(*_args, **_kwargs):
        raise OSError(refusal, os.strerror(refusal))

    monkeypatch.setattr(build.os, "copy_file_range", refuse, raising=False)
    src = _file(tmp_path / "a", 4096)
    assert clone_or_copy(src, tmp_path / "b") == "shutil"
    assert (tmp_path / "b").read_bytes() == src.read_bytes()


def test_a_copy_that_stops_short_is_redone_whole(tmp_path: Path, monkeypatch) -> None:
    """Some pseudo file systems report 0 bytes copied for a non-empty file (GNU cp
    and Go guard against it too): the copy is redone with shutil, not left short."""
    real = os.copy_file_range if hasattr(os, "copy_file_range") else None
    calls = {"n": 0}

    def short(src_fd, dst_fd, count, *args):
        calls["n"] += 1
        if calls["n"] == 1 and real is not None:
            return real(src_fd, dst_fd, min(count, 1000), *args)  # part of it, then nothing
        return 0

    monkeypatch.setattr(build.os, "copy_file_range", short, raising=False)
    src = _file(tmp_path / "a", 10_000)
    assert clone_or_copy(src, tmp_path / "b") == "shutil"
    assert (tmp_path / "b").read_bytes() == src.read_bytes()


def test_other_errors_are_not_hidden(tmp_path: Path, monkeypatch) -> None:
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build.os, "copy_file_range", full, raising=False)
    with pytest.raises(OSError) as info:
        clone_or_copy(_file(tmp_path / "a", 10), tmp_path / "b")
    assert info.value.errno == errno.ENOSPC
