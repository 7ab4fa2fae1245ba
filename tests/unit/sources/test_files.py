"""read_path on disk: which files of a directory are manifests, in what order, what is skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import Location, SourceError
from netpoldiff.sources import SourceFile, SourceFiles, read_path
from netpoldiff.sources.files import blob_id


def write(root: Path, relative: str, text: str | None = None) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((text if text is not None else f"# {relative}\n").encode())
    return path


def relative_paths(found: SourceFiles, root: Path) -> list[str]:
    prefix = f"{root}/"
    assert all(f.path.startswith(prefix) for f in found.files)
    return [f.path.removeprefix(prefix) for f in found.files]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file a listing opened (to name its content) through pathlib, resolved."""
    seen: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        if "r" in (args[0] if args else kwargs.get("mode", "r")):  # reads, not the test's writes
            seen.append(Path(self).resolve())
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    return seen


def contents(files: tuple[SourceFile, ...]) -> list[tuple[str, bytes, str | None]]:
    """What files hold, read now: path, bytes and object id."""
    return [(f.path, f.data, f.object_id) for f in files]


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["a.yaml", "b.yml", "c.json", "d.txt", "README.md", "e.yaml.bak", "noext", "f.yamll"],
            ["a.yaml", "b.yml", "c.json"],
        ),
        (
            ["sub/x.yaml", "sub/deeper/y.yml", "sub/deeper/deepest/z.json", "top.yaml"],
            ["sub/deeper/deepest/z.json", "sub/deeper/y.yml", "sub/x.yaml", "top.yaml"],
        ),
        (
            [
                ".git/config.yaml",
                ".git/objects/x.json",
                ".hidden/z.yaml",
                "sub/.cache/q.yml",
                "k.yaml",
            ],
            [".hidden/z.yaml", "k.yaml", "sub/.cache/q.yml"],
        ),
        (
            ["zeta.yaml", "a/b.yaml", "a.yaml", "a-b.yaml", "B.yaml", "a/a/z.yaml", "a0.yaml"],
            ["B.yaml", "a-b.yaml", "a.yaml", "a/a/z.yaml", "a/b.yaml", "a0.yaml", "zeta.yaml"],
        ),
        ([], []),
    ],
    ids=[
        "suffixes",
        "recursion",
        "metadata-directories",
        "order",
        "empty",
    ],
)
def test_directory_listing(tmp_path: Path, names: list[str], expected: list[str]) -> None:
    root = tmp_path / "manifests"
    root.mkdir()
    for name in names:
        write(root, name)
    found = read_path(str(root))
    assert found.label == str(root)
    assert relative_paths(found, root) == expected
    assert [f.path for f in found.files] == sorted(f.path for f in found.files)
    assert found.warnings == ()
    for source_file in found.files:
        relative = source_file.path.removeprefix(f"{root}/")
        assert source_file.data == f"# {relative}\n".encode()


def test_directory_named_like_a_manifest_is_walked(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml/inner.yaml")
    assert relative_paths(read_path(str(tmp_path)), tmp_path) == ["base.yaml/inner.yaml"]


def test_contents_are_the_raw_bytes(tmp_path: Path) -> None:
    data = b"\xff\xfea\x00:\x00 \x001\x00\n\x00"  # UTF-16 with a BOM: decoding is not ours
    (tmp_path / "x.yaml").write_bytes(data)
    assert contents(read_path(str(tmp_path)).files) == [(f"{tmp_path}/x.yaml", data, blob_id(data))]


@pytest.mark.parametrize("suffix", ["", "/"], ids=["plain", "trailing-slash"])
def test_display_paths_join_the_spec_and_the_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    write(tmp_path, "manifests/apps/web.yaml")
    monkeypatch.chdir(tmp_path)
    found = read_path("manifests" + suffix)
    assert [f.path for f in found.files] == ["manifests/apps/web.yaml"]


@pytest.mark.parametrize(
    "target",
    ["outside-file", "outside-manifest", "inside-file", "missing"],
    ids=["to-file-outside", "to-manifest-outside", "to-file-inside", "dangling"],
)
def test_symlinked_files_skipped_with_warning_and_never_opened(
    tmp_path: Path, opened: list[Path], target: str
) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "manifests"
    write(root, "real.yaml")
    targets = {
        "outside-file": write(outside, "secret.txt", "password: hunter2\n"),
        "outside-manifest": write(outside, "other.yaml", "kind: Pod\n"),
        "inside-file": root / "real.yaml",
        "missing": outside / "gone.yaml",
    }
    link = root / "sub" / "link.yaml"
    link.parent.mkdir()
    link.symlink_to(targets[target])

    found = read_path(str(root))

    assert relative_paths(found, root) == ["real.yaml"]
    assert found.warnings == (
        Diagnostic("NPD004", "symbolic link skipped, not followed", Location(str(link))),
    )
    # Only the real file was read, once: never the link, nor what it points at.
    assert opened == [(root / "real.yaml").resolve()]


def test_symlink_with_another_suffix_ignored_silently(tmp_path: Path, opened: list[Path]) -> None:
    secret = write(tmp_path / "outside", "secret.yaml", "kind: Pod\n")
    root = tmp_path / "manifests"
    root.mkdir()
    (root / "notes.txt").symlink_to(secret)
    found = read_path(str(root))
    assert found.files == ()
    assert found.warnings == ()
    assert opened == []


def test_symlinked_directory_not_followed(tmp_path: Path, opened: list[Path]) -> None:
    outside = tmp_path / "outside"
    secret = write(outside, "secret.yaml", "kind: Pod\n")
    root = tmp_path / "manifests"
    write(root, "real.yaml")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    found = read_path(str(root))
    assert relative_paths(found, root) == ["real.yaml"]
    assert secret.resolve() not in opened


def test_several_symlinks_each_warned_in_path_order(tmp_path: Path) -> None:
    target = write(tmp_path / "outside", "t.yaml")
    root = tmp_path / "manifests"
    write(root, "z.yaml")
    for name in ("b.yml", "a.yaml", "sub/c.json"):
        link = root / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    found = read_path(str(root))
    assert relative_paths(found, root) == ["z.yaml"]
    assert [w.code for w in found.warnings] == ["NPD004"] * 3
    assert sorted(w.location.path for w in found.warnings if w.location) == [
        f"{root}/a.yaml",
        f"{root}/b.yml",
        f"{root}/sub/c.json",
    ]


@pytest.mark.parametrize("name", ["one.yaml", "one.JSON", "one.yml"], ids=["yaml", "json", "yml"])
def test_single_file(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "apiVersion: v1\n")
    write(tmp_path, "sibling.yaml")
    found = read_path(str(path))
    data = b"apiVersion: v1\n"
    assert (found.label, found.warnings, found.errors) == (str(path), (), ())
    assert contents(found.files) == [(str(path), data, blob_id(data))]


def test_single_file_given_as_a_symlink_is_skipped_with_warning(
    tmp_path: Path, opened: list[Path]
) -> None:
    target = write(tmp_path / "outside", "secret.yaml", "kind: Pod\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    found = read_path(str(link))
    assert found.files == ()
    assert [(w.code, w.location) for w in found.warnings] == [("NPD004", Location(str(link)))]
    assert opened == []


@pytest.mark.parametrize(
    "relative",
    ["missing", "missing.yaml", "missing/dir/", "file.yaml/child.yaml"],
    ids=["name", "file-name", "directory", "below-a-file"],
)
def test_missing_path_is_a_source_error(tmp_path: Path, relative: str) -> None:
    write(tmp_path, "file.yaml")
    spec = str(tmp_path / relative)
    with pytest.raises(SourceError) as caught:
        read_path(spec)
    assert spec.rstrip("/") in str(caught.value)


def test_an_unreadable_file_is_an_error_of_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Recorded per file, so --keep-going can skip it and the run says it is incomplete.
    write(tmp_path, "locked.yaml")

    def refuse(self: Path, *_args: object, **_kwargs: object) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    found = read_path(str(tmp_path))
    assert found.files == ()
    (error,) = found.errors
    assert error.location.path == f"{tmp_path}/locked.yaml"
    assert "Permission denied" in error.message


def test_blob_id_names_content_as_git_does() -> None:
    # `printf 'apiVersion: v1\n' | git hash-object --stdin`
    assert blob_id(b"apiVersion: v1\n") == "9cde8e8dd9d6d5d927fef48b9acf681addb6ce6a"
