"""git_blobs: blobs read through long-lived ``git cat-file`` processes, checked as they come.

Every repository is a real one built with the git command; a damaged object is written into
its object database by hand, and a partial clone is made with ``git clone --filter``.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

import pytest

from netpoldiff.sources.git_blobs import BlobError, BlobReader
from netpoldiff.sources.git_command import NOT_FETCHED
from tests.testing.gitrepo import GitRepo


def one_file(root: Path, data: bytes, name: str = "a.yaml") -> tuple[GitRepo, str]:
    """A repository with one commit of one file; the file's blob id."""
    repo = GitRepo.init(root)
    (repo.root / name).write_bytes(data)
    repo.commit("one")
    return repo, repo.sha(f"HEAD:{name}")


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_blob_reader_checks_what_it_reads(tmp_path: Path, object_format: str) -> None:
    from netpoldiff.sources.git_blobs import BlobError, BlobReader

    repo = GitRepo(tmp_path / "repo")
    repo.root.mkdir()
    repo.git("init", "--quiet", f"--object-format={object_format}")
    repo.write("a.yaml", "kind: Pod\n")
    repo.commit("one")
    blob, tree = repo.sha("HEAD:a.yaml"), repo.sha("HEAD^{tree}")
    reader = BlobReader(repo.root, object_format)
    absent = ("0123456789abcdef" * 4)[: len(blob)]
    cases = {
        absent: (10, f"git object {absent[:12]} is missing"),
        tree: (10, f"git object {tree[:12]} is a tree, not a file's content"),
        blob: (9, f"git object {blob[:12]} has 10 bytes, listed as 9"),
        blob.upper(): (10, "is not a full object id of this repository"),
        "HEAD": (10, "is not a full object id of this repository"),
        f"{blob}\n{blob}": (10, "is not a full object id of this repository"),
    }
    for object_id, (size, message) in cases.items():
        with pytest.raises(BlobError, match=message):
            reader.read(object_id, size)
        assert reader.read(blob, 10) == b"kind: Pod\n", "the reader recovers from each"
    assert reader.size(blob) == 10
    reader._processes["--batch"].process.kill()  # git gone between two reads
    with pytest.raises(BlobError, match=f"cannot read git object {blob[:12]}"):
        reader.read(blob, 10)
    assert reader.read(blob, 10) == b"kind: Pod\n", "a new git replaces the one that died"
    reader.close()


def test_blob_reader_without_git_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netpoldiff.sources.git_blobs import BlobError, BlobReader

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BlobError, match="cannot run git"):
        BlobReader(tmp_path).read("0" * 40, 1)


def test_a_forked_process_reads_through_its_own_git(tmp_path: Path) -> None:
    """Parse workers fork: sharing the parent's pipe would mix their answers."""
    from netpoldiff.sources.git_blobs import BlobReader

    repo = GitRepo.init(tmp_path / "repo")
    repo.write("a.yaml", "kind: Pod\n")
    repo.commit("one")
    blob = repo.sha("HEAD:a.yaml")
    reader = BlobReader(repo.root)
    assert reader.read(blob, 10) == b"kind: Pod\n"
    parent_git = reader._processes["--batch"].process.pid
    readable, writable = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            data = reader.read(blob, 10)
            own_git = reader._processes["--batch"].process.pid
            os.write(writable, f"{data!r} {own_git != parent_git}".encode())
        finally:
            os._exit(0)
    os.close(writable)
    _, status = os.waitpid(child, 0)
    with os.fdopen(readable, "rb") as report:
        assert report.read() == b"b'kind: Pod\\n' True"
    assert status == 0
    assert reader.read(blob, 10) == b"kind: Pod\n"
    assert reader._processes["--batch"].process.pid == parent_git
    # Sent to a process that is not forked, it goes without its git (and starts another).
    copy = pickle.loads(pickle.dumps(reader))  # noqa: S301 - our own object
    assert copy._processes == {}
    assert copy.read(blob, 10) == b"kind: Pod\n"
    copy.close()
    reader.close()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"kind: Pod\n",
        b"no newline at the end",
        b"\n\n\0binary\xff\n",
        b"%s missing\n" % (b"0" * 40),  # reads like git's answer about another object
        bytes(range(256)) * 9000,  # over 2 MiB: more than one read of the pipe
    ],
    ids=["empty", "text", "no-final-newline", "binary", "looks-like-an-answer", "large"],
)
def test_a_blob_is_read_byte_for_byte(tmp_path: Path, data: bytes) -> None:
    _, blob = one_file(tmp_path / "repo", data)
    reader = BlobReader(tmp_path / "repo")

    assert reader.size(blob) == len(data)
    assert reader.read(blob, len(data)) == data
    assert reader.read(blob, len(data)) == data, "the same process answers again"
    reader.close()


def test_one_git_process_answers_every_read_until_closed(tmp_path: Path) -> None:
    repo, first = one_file(tmp_path / "repo", b"kind: Pod\n")
    (repo.root / "b.yaml").write_bytes(b"kind: Service\n")
    repo.commit("two")
    other = repo.sha("HEAD:b.yaml")
    reader = BlobReader(repo.root)

    reader.read(first, 10)
    process = reader._processes["--batch"].process
    assert reader.read(other, 14) == b"kind: Service\n"
    assert reader._processes["--batch"].process is process
    reader.close()

    assert process.returncode == 0, "git ended when its input did"
    assert reader._processes == {}
    assert reader.read(first, 10) == b"kind: Pod\n", "a later read starts git again"
    reader.close()


def test_an_object_that_holds_fewer_bytes_than_it_announces_is_corrupt(tmp_path: Path) -> None:
    """git writes the damaged object's header and what it has, then waits: no read hangs."""
    repo, blob = one_file(tmp_path / "repo", b"kind: Pod\n")
    (repo.root / "b.yaml").write_bytes(b"kind: Service\n")
    repo.commit("two")
    good = repo.sha("HEAD:b.yaml")
    loose = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    loose.chmod(0o644)
    loose.write_bytes(zlib.compress(b"blob 5\0abc"))
    reader = BlobReader(repo.root)

    with pytest.raises(BlobError, match=f"^git object {blob[:12]} is corrupt: 3 of its 5 bytes$"):
        reader.read(blob, 5)
    assert reader.read(good, 14) == b"kind: Service\n", "the answer after it is not mixed up"
    reader.close()


def test_a_blob_a_partial_clone_lacks_is_never_fetched(tmp_path: Path) -> None:
    source, blob = one_file(tmp_path / "source", b"kind: Pod\n")
    source.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "clone"
    source.git(
        "clone", "--quiet", "--filter=blob:none", "--no-checkout", source.root.as_uri(), str(clone)
    )
    reader = BlobReader(clone)

    with pytest.raises(BlobError) as raised:
        reader.size(blob)
    assert str(raised.value) == f"cannot read git object {blob[:12]}: {NOT_FETCHED}"
    offline = {"GIT_NO_LAZY_FETCH": "1", "GIT_ALLOW_PROTOCOL": ""}
    assert GitRepo(clone).run("cat-file", "-e", blob, env=offline).returncode != 0, "fetched"
    reader.close()
