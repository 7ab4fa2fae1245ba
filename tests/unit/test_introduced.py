"""Which of NEW's warnings a change introduces: matched one for one, lines only as a tie-break."""

from __future__ import annotations

import pytest

from netpoldiff.diagnostics import DNS_BLOCKED, Diagnostic
from netpoldiff.errors import Location
from netpoldiff.introduced import Place, introduced_warnings


def warning(line: int | None, path: str = "k8s/web.yaml", message: str = "ignored") -> Diagnostic:
    return Diagnostic("NPD003", message, Location(path, 1, line) if line is not None else None)


def within(root: str) -> Place:
    return lambda path: path.removeprefix(f"{root}/")


IN_DB = warning(3, "k8s/db.yaml")
OTHER = warning(3, message="other")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param([warning(3)], [warning(3)], [], id="same-line"),
        pytest.param([warning(3)], [warning(9)], [], id="moved-down"),
        pytest.param([], [warning(3)], [warning(3)], id="new"),
        pytest.param([warning(3)], [warning(3), warning(9)], [warning(9)], id="second-of-a-kind"),
        pytest.param([warning(9)], [warning(3), warning(9)], [warning(3)], id="one-inserted-above"),
        pytest.param([warning(3), warning(9)], [warning(5)], [], id="one-of-two-removed"),
        pytest.param([warning(3)], [IN_DB], [IN_DB], id="other-file"),
        pytest.param([warning(3)], [OTHER], [OTHER], id="other-message"),
        pytest.param([warning(None)], [warning(None), IN_DB], [IN_DB], id="no-place"),
    ],
)
def test_new_warnings_are_those_old_lacks_counted_one_for_one(
    old: list[Diagnostic], new: list[Diagnostic], expected: list[Diagnostic]
) -> None:
    assert introduced_warnings(old, new) == frozenset(expected)


def test_two_directories_compare_file_for_file() -> None:
    old, new = warning(3, "before/k8s/web.yaml"), warning(3, "after/k8s/web.yaml")

    assert introduced_warnings([old], [new]) == {new}
    assert not introduced_warnings([old], [new], within("before"), within("after"))


def test_a_warning_whose_registry_names_its_identity_is_matched_by_it() -> None:
    """NPD017 lists the workloads a policy isolates: one more of them is no new warning."""
    where = Location("k8s/shop.yaml", 1, 4)
    fields = {"policy": "shop/default-deny", "none": "none of them may"}
    old = DNS_BLOCKED.at(where, count="4 workloads", names="a, b, c, d", **fields)
    new = DNS_BLOCKED.at(where, count="5 workloads", names="a, b, c, d, e", **fields)
    other = DNS_BLOCKED.at(where, count="1 workload", names="e", policy="shop/x", none="it may")

    assert old.message != new.message
    assert not introduced_warnings([old], [new])
    assert introduced_warnings([old], [other]) == {other}
