"""The words reports share: counts, what changed on a subject or a policy, why a line changed."""

from __future__ import annotations

import dataclasses

import pytest

from netpoldiff.causes import Cause
from netpoldiff.changes import ChangeSet, SubjectChange
from netpoldiff.diagnostics import Diagnostic
from netpoldiff.errors import InputError, Location
from netpoldiff.model import ObjectRef
from netpoldiff.object_edits import changed_objects
from netpoldiff.ports import NO_CONNECTIONS
from netpoldiff.report.lines import ChangeLine
from netpoldiff.report.words import (
    CAUSES_SHOWN,
    object_change_lines,
    plural,
    subject_change_text,
    summary_line,
    suppressed_text,
    why,
    workload_rows,
)
from netpoldiff.reverts import ChangedObject
from netpoldiff.suppression import Means, Suppressed
from netpoldiff.unevaluated import Unevaluated
from tests.testing.builders import (
    admin,
    admin_rule,
    cluster,
    endpoint,
    in_namespaces,
    ip_block,
    namespace,
    pods,
    policy,
    port,
    rule,
    tcp,
    workload,
)
from tests.unit.report.reporting import diff_report


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [(0, "flow", "0 flows"), (1, "flow", "1 flow"), (2, "workload", "2 workloads")],
)
def test_plural_adds_s_to_every_count_but_one(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


HIDDEN = Diagnostic("NPD003", "ignored egress")


@pytest.mark.parametrize(
    ("count", "means", "expected"),
    [
        (0, (), ""),
        (1, ("annotation",), "1 warning suppressed (netpoldiff.io/ignore annotations)"),
        (
            3,
            ("annotation", "configuration", "command-line"),
            (
                "3 warnings suppressed (netpoldiff.io/ignore annotations, the configuration's "
                "ignore, --ignore)"
            ),
        ),
    ],
    ids=["none", "one", "every-means"],
)
def test_suppressed_text_counts_the_hidden_warnings_and_names_the_means(
    count: int, means: tuple[Means, ...], expected: str
) -> None:
    assert suppressed_text(Suppressed((HIDDEN,) * count, means)) == expected


WEB = endpoint("shop/web")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            SubjectChange(WEB, "added", (), (("app", "web"), ("tier", "front"))),
            "shop/web[Deployment]: added with labels {app=web, tier=front}",
        ),
        (SubjectChange(WEB, "removed"), "shop/web[Deployment]: removed"),
        (
            # Added keys first, then changed values, then removed keys; each by key.
            SubjectChange(
                WEB,
                "labels",
                (("app", "web"), ("old", "x"), ("zone", "a")),
                (("app", "web"), ("new", "y"), ("zone", "b"), ("extra", "1")),
            ),
            "shop/web[Deployment]: labels +extra=1, +new=y, zone=a->b, -old=x",
        ),
        (
            SubjectChange("shop", "labels", (("team", "a"),), (("team", "b"),)),
            "namespace shop: labels team=a->b",
        ),
        (
            SubjectChange(WEB, "named ports", (("http/TCP", "80"),), (("http/TCP", "8080"),)),
            "shop/web[Deployment]: named ports http/TCP=80->8080",
        ),
    ],
    ids=["workload-added", "workload-removed", "labels", "namespace-labels", "named-ports"],
)
def test_a_subject_change_reads_as_its_subject_and_what_changed(
    change: SubjectChange, expected: str
) -> None:
    assert subject_change_text(change) == expected


def _ref(spec: str) -> ObjectRef:
    namespace, _, name = spec.partition("/")
    return ObjectRef.network_policy(namespace, name)


LINE = ChangeLine(
    sign="+",
    sources=("shop/web[Deployment]",),
    destinations=("shop/api[Deployment]",),
    destination_namespace="shop",
    opened=tcp(80),
    closed=NO_CONNECTIONS,
    causes=(),
    pairs=1,
)
EDITED = Cause(ChangedObject(_ref("shop/edited"), "modified"))
NEW = Cause(ChangedObject(_ref("shop/new"), "added"))
RELABELLED = SubjectChange(WEB, "labels", (("app", "web"),), (("app", "www"),))
NAMESPACE_RELABELLED = SubjectChange("shop", "labels", (("team", "a"),), (("team", "b"),))
WEB_RELABELLED = Cause(
    ChangedObject(ObjectRef("Deployment", "shop", "web"), "modified", ("labels",), (RELABELLED,))
)
SHOP_RELABELLED = Cause(
    ChangedObject(
        ObjectRef("Namespace", None, "shop"), "modified", ("labels",), (NAMESPACE_RELABELLED,)
    )
)
MANY = tuple(Cause(ChangedObject(_ref(f"shop/p{i}"), "added")) for i in range(CAUSES_SHOWN + 2))


@pytest.mark.parametrize(
    ("causes", "expected"),
    [
        ((EDITED, NEW), "shop/edited (modified); shop/new (added)"),
        (
            (WEB_RELABELLED, SHOP_RELABELLED),
            "shop/web[Deployment]: labels app=web->www; namespace shop: labels team=a->b",
        ),
        (
            (
                EDITED,
                dataclasses.replace(NEW, joint=True),
                dataclasses.replace(WEB_RELABELLED, joint=True),
            ),
            (
                "shop/edited (modified); together: shop/new (added) + "
                "shop/web[Deployment]: labels app=web->www"
            ),
        ),
        (MANY, "; ".join(f"shop/p{i} (added)" for i in range(CAUSES_SHOWN)) + "; and 2 more"),
    ],
    ids=["policies", "workload-and-namespace", "joint", "many"],
)
def test_why_names_each_cause_and_joint_ones_together(
    causes: tuple[Cause, ...], expected: str
) -> None:
    assert why(dataclasses.replace(LINE, causes=causes)) == expected


SELECT_API = {"app": "api"}
KEPT = policy("shop/kept", SELECT_API, ingress=(rule(pods({"app": "web"})),))
GONE = policy("shop/gone", SELECT_API, ingress=())
ADDED = policy("shop/added", {"app": "db"}, ingress=())
EDIT_BEFORE = policy("alpha/edit", ingress=(rule(ports=(port(number=80),)),))
EDIT_AFTER = policy("alpha/edit", ingress=(rule(ports=(port(number=443),)),))
OLD_NAME = policy("shop/old-name", egress=())
NEW_NAME = policy("shop/new-name", egress=())


def test_object_change_lines_sign_every_changed_policy_by_namespace_and_name() -> None:
    old = cluster(KEPT, GONE, EDIT_BEFORE, OLD_NAME)
    new = cluster(KEPT, ADDED, EDIT_AFTER, NEW_NAME)
    assert object_change_lines(changed_objects(ChangeSet.between(old, new))) == [
        ("~", "alpha/edit", "ingress rule from anywhere: port TCP/80 -> TCP/443"),
        ("+", "shop/added", "added"),
        ("-", "shop/gone", "removed"),
        # A rename is one line, on the new name; the old name is not listed as removed.
        (">", "shop/new-name", "renamed from shop/old-name (same rules)"),
    ]


def test_object_change_lines_list_nothing_for_unchanged_policies() -> None:
    same = cluster(KEPT, GONE)
    assert object_change_lines(changed_objects(ChangeSet.between(same, same))) == []


def test_object_change_lines_list_admin_policies_with_their_kind() -> None:
    deny = admin_rule("deny", in_namespaces())
    guard = admin("guard", 10, in_namespaces(), ingress=(deny,))
    edited_before = admin("edited", 20, in_namespaces(), egress=(deny,))
    passing = admin_rule("pass", in_namespaces())
    edited_after = admin("edited", 20, in_namespaces(), egress=(passing,))
    baseline = admin("default", None, in_namespaces(), ingress=(deny,))
    # v1alpha1 to v1alpha2: the same rules under another kind read as a rename.
    rewritten = dataclasses.replace(guard, ref=ObjectRef("ClusterNetworkPolicy", None, "guard"))
    old = cluster(guard, edited_before, KEPT)
    new = cluster(rewritten, edited_after, baseline, KEPT)
    assert object_change_lines(changed_objects(ChangeSet.between(old, new))) == [
        ("~", "edited (AdminNetworkPolicy)", "egress rule 1: action Deny -> Pass"),
        ("+", "default (BaselineAdminNetworkPolicy)", "added"),
        (
            ">",
            "guard (ClusterNetworkPolicy)",
            "renamed from guard (AdminNetworkPolicy) (same rules)",
        ),
    ]


def test_object_change_lines_name_renamed_and_moved_workloads_after_the_policies() -> None:
    web, api = workload("shop/web", {"app": "web"}), workload("shop/api", {"app": "api"})
    old = cluster(web, api, workload("shop/gone"), workload("shop/edited", {"v": "1"}), GONE)
    new = cluster(
        workload("shop/web-v2", {"app": "web"}),
        workload("bank/api", {"app": "api"}),
        workload("shop/edited", {"v": "2"}),
        workload("shop/new", {"app": "new"}),
    )
    # Added, removed and relabelled workloads are said elsewhere (their own list, and the
    # WHY of the flows they move); a rename or a move is said here, once.
    assert object_change_lines(changed_objects(ChangeSet.between(old, new))) == [
        ("-", "shop/gone", "removed"),
        (
            ">",
            "bank/api[Deployment]",
            "moved from shop/api[Deployment] (same labels and ports)",
        ),
        (
            ">",
            "shop/web-v2[Deployment]",
            "renamed from shop/web[Deployment] (same labels and ports)",
        ),
    ]


def test_summary_line_counts_opened_and_closed_pairs() -> None:
    web, api = workload("shop/web", {"app": "web"}), workload("shop/api", SELECT_API)
    old = cluster(web, api, KEPT)
    new = cluster(web, api, GONE)  # api admits nobody: web -> api closes
    assert summary_line(diff_report(old, new)) == "Reachability: 0 rows opened, 1 closed."
    assert summary_line(diff_report(new, old)) == "Reachability: 1 row opened, 0 closed."


def test_summary_line_says_when_nothing_changed() -> None:
    same = cluster(workload("shop/web"), KEPT)
    assert summary_line(diff_report(same, same)) == "No reachability changes."


_TYPO = Unevaluated(ObjectRef.network_policy("shop", "p"), "added", "selects-nothing", None)
_BROKEN = InputError(Location("k8s/bad.yaml", 1, 2), "invalid YAML")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"unevaluated": (_TYPO,)},
            "No reachability changes among the objects evaluated. Not covered: 1 changed "
            "object whose effect is not shown.",
            id="a-changed-object-not-shown",
        ),
        pytest.param(
            {"unevaluated": (_TYPO, _TYPO)},
            "No reachability changes among the objects evaluated. Not covered: 2 changed "
            "objects whose effects are not shown.",
            id="two-changed-objects-not-shown",
        ),
        pytest.param(
            {"errors": (_BROKEN,)},
            "No reachability changes among the objects evaluated. Not covered: 1 input skipped.",
            id="skipped-input",
        ),
        pytest.param(
            {"nothing_read": ("old",)},
            "No reachability changes among the objects evaluated. Not covered: nothing read in "
            "OLD.",
            id="nothing-read-in-old",
        ),
        pytest.param(
            {"nothing_read": ("old", "new")},
            "Nothing to compare: no workload or policy was read on either side.",
            id="nothing-read-at-all",
        ),
    ],
)
def test_no_change_is_said_only_of_a_complete_report(
    changes: dict[str, object], expected: str
) -> None:
    same = cluster(workload("shop/web"), KEPT)
    report = dataclasses.replace(diff_report(same, same), **changes)  # type: ignore[arg-type]
    assert not report.is_complete
    assert summary_line(report) == expected


def test_a_change_that_is_not_complete_says_what_it_does_not_cover() -> None:
    web, api = workload("shop/web", {"app": "web"}), workload("shop/api", SELECT_API)
    before, after = cluster(web, api, KEPT), cluster(web, api, GONE)
    report = dataclasses.replace(diff_report(before, after), unevaluated=(_TYPO,))
    assert summary_line(report) == (
        "Reachability: 0 rows opened, 1 closed. "
        "Not covered: 1 changed object whose effect is not shown."
    )


def test_summary_line_counts_rows_and_the_flows_behind_them_when_more() -> None:
    # Another policy's ipBlock cuts 0.0.0.0/0 except 10.0.0.0/8 in two address ranges: one
    # row opens, standing for two flows (the JSON lists both).
    web = workload("shop/web", {"app": "web"})
    closed = policy("shop/web-in", {"app": "web"}, ingress=())
    opened = policy(
        "shop/web-in", {"app": "web"}, ingress=(rule(ip_block("0.0.0.0/0", "10.0.0.0/8")),)
    )
    cutter = policy("shop/cut", {"app": "none"}, egress=(rule(ip_block("203.0.113.0/24")),))
    report = diff_report(cluster(web, closed, cutter), cluster(web, opened, cutter))
    assert report.diff.opened_count() == 2
    assert summary_line(report) == "Reachability: 1 row opened (2 flows), 0 closed."


def test_a_workload_moved_with_its_flows_reads_as_moved_not_opened_and_closed() -> None:
    api = workload("shop/api", {"app": "api"})
    team_peers = policy(
        "shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"}, namespaces={})),)
    )
    spaces = (namespace("shop"), namespace("store"))
    old = cluster(*spaces, api, team_peers, workload("shop/web", {"app": "web"}))
    new = cluster(*spaces, api, team_peers, workload("store/web", {"app": "web"}))
    report = diff_report(old, new)
    assert not report.diff.is_empty()  # JSON lists the pairs of both names
    assert report.lines == ()
    assert workload_rows(report) == []  # neither added nor removed: an object changed
    assert object_change_lines(report.objects) == [
        (">", "store/web[Deployment]", "moved from shop/web[Deployment] (same labels and ports)")
    ]
    assert summary_line(report) == (
        "Reachability: no flow changed but by 1 workload moved with its flows."
    )


def test_a_move_that_changes_flows_shows_only_what_changed_and_the_move_as_cause() -> None:
    api = workload("shop/api", {"app": "api"})
    same_namespace = policy("shop/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),))
    spaces = (namespace("shop"), namespace("store"))
    old = cluster(*spaces, api, same_namespace, workload("shop/web", {"app": "web"}))
    new = cluster(*spaces, api, same_namespace, workload("store/web", {"app": "web"}))
    (line,) = diff_report(old, new).lines
    assert (line.sign, line.sources, line.destinations) == (
        "-",
        ("store/web[Deployment]",),
        ("shop/api[Deployment]",),
    )
    assert why(line) == "store/web[Deployment] moved from shop/web[Deployment]"
