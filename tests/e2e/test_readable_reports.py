"""What each readability fixture case shows a reviewer, in text, Markdown and JSON.

The golden files hold every byte; these tests name the one thing each case is about, so a
change that breaks it fails with its reason.
"""

from __future__ import annotations

import json
from typing import Any

from netpoldiff.commands import Settings, diff_command
from netpoldiff.sources import OnDisk
from tests.conftest import REPO_ROOT


def report(case: str, output_format: str) -> str:
    result = diff_command(
        OnDisk(f"fixtures/{case}/old"),
        OnDisk(f"fixtures/{case}/new"),
        output_format=output_format,
        settings=Settings(REPO_ROOT, use_cache=False),
    )
    assert result.exit_status == 0
    return "".join(result.chunks)


def document(case: str) -> dict[str, Any]:
    found = json.loads(report(case, "json"))
    assert isinstance(found, dict)
    return found


def test_a_rule_inserted_at_the_top_reads_as_one_added_rule() -> None:
    edits = ["ingress rule added: from app=adservice on TCP/9555"]
    (policy,) = document("rule-inserted-at-top")["objects"]
    assert (policy["name"], policy["change"], policy["edits"]) == (
        "adservice-netpol",
        "modified",
        edits,
    )
    text = report("rule-inserted-at-top", "text")
    assert (
        "  ~  default/adservice-netpol  ingress rule added: from app=adservice on TCP/9555\n"
        in (text)
    )
    assert "removed" not in text


def test_a_group_names_the_workload_it_leaves_out() -> None:
    text = report("namespace-except", "text")
    assert "+  default/* except checkoutservice[Deployment]  ->  default/redis-cart" in text
    assert "Reachability: 1 row opened (11 flows), 0 closed." in text


def test_new_egress_to_the_internet_is_a_finding_in_every_format() -> None:
    (outside, *_) = document("egress-to-internet")["findings"]
    assert (outside["kind"], outside["flows"]) == ("egress-to-outside", 2)
    assert [o["name"] for o in outside["objects"]] == ["api-to-payment-provider", "web-outbound"]
    markdown = report("egress-to-internet", "markdown")
    assert "> Opens flows **to outside the cluster** from `shop/api[Deployment]`" in markdown
    text = report("egress-to-internet", "text")
    assert "! Opens flows to outside the cluster from shop/api[Deployment]" in text
    # Every port but DNS, in the shorter of the two forms.
    assert "0.0.0.0/0  all but TCP/53 UDP/53  shop/web-outbound (added)" in text


def test_a_moved_workload_reads_as_moved_and_json_keeps_its_pairs() -> None:
    text = report("workload-moved", "text")
    assert "Reachability: 0 rows opened, 1 closed." in text
    assert "storefront/web[Deployment]  ->  anywhere outside the cluster  all" in text
    assert ">  storefront/web[Deployment]  moved from shop/web[Deployment]" in text
    markdown = report("workload-moved", "markdown")
    assert "across namespaces" not in markdown
    found = document("workload-moved")
    assert (found["summary"]["opened"], found["summary"]["closed"]) == (4, 5)
    causes = {
        (c["kind"], c["namespace"], c["name"], c["change"])
        for flow in found["opened"] + found["closed"]
        for c in flow["causes"]
    }
    assert causes == {("Deployment", "storefront", "web", "renamed")}
    (moved,) = found["objects"]
    assert moved["renamed_from"] == {"namespace": "shop", "name": "web"}


def test_two_policies_that_each_allow_a_flow_are_its_joint_causes() -> None:
    (flow,) = document("joint-causes")["opened"]
    assert [(c["name"], c.get("joint")) for c in flow["causes"]] == [
        ("allow-frontend-to-api", True),
        ("api-from-frontend", True),
    ]
    text = report("joint-causes", "text")
    assert "together: shop/allow-frontend-to-api (added) +" in text


def test_the_readme_shows_the_review_example_s_comment_as_it_is() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    golden = (REPO_ROOT / "fixtures/review-example/expected/diff.md").read_text(encoding="utf-8")
    assert report("review-example", "markdown") == golden
    assert f"````markdown\n{golden}````\n" in readme


def test_the_comment_warns_when_applying_the_files_in_order_would_cut_a_flow() -> None:
    result = diff_command(
        OnDisk("fixtures/plans/default-deny/old"),
        OnDisk("fixtures/plans/default-deny/new"),
        output_format="markdown",
        settings=Settings(REPO_ROOT, use_cache=False),
    )
    comment = "".join(result.chunks)
    assert (
        "> **Rollout order matters**: applied file by file (`kubectl apply -f` of the directory), "
        "this change would cut 1 flow both sides allow between its steps (counted per step)."
    ) in comment
    assert "> 1. apply NetworkPolicy shop/web-to-api\n> 2. apply NetworkPolicy" in comment


def test_the_comment_says_nothing_of_order_when_the_files_in_order_are_safe() -> None:
    assert "Rollout order" not in report("review-example", "markdown")
