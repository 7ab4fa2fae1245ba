"""``--equivalent`` end to end: rewrites proved, changes refused, gaps never called equivalent.

The example trees of fixtures/equivalence are the README's migration recipes; the README's
commands there are run here and must print what it shows.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Final

import pytest

from tests.conftest import FIXTURES, REPO_ROOT, CliRunner, assert_one_line_error
from tests.testing.gitrepo import GitRepo

EQUIVALENT: Final = "equivalent: both revisions allow exactly the same flows\n"
MOVED: Final = (
    "not equivalent: workload moved or renamed (another endpoint): shop/payments[Deployment] "
    "to payments/payments[Deployment]"
)

# (old, new, the verdict line)
CASES: Final = [
    ("equivalence/consolidated/old", "equivalence/consolidated/new", EQUIVALENT.rstrip()),
    ("equivalence/labels-renamed/old", "equivalence/labels-renamed/new", EQUIVALENT.rstrip()),
    ("equivalence/default-deny/old", "equivalence/default-deny/staged", EQUIVALENT.rstrip()),
    ("rules-reordered/old", "rules-reordered/new", EQUIVALENT.rstrip()),
    ("policy-split/old", "policy-split/new", EQUIVALENT.rstrip()),
    ("policy-renamed/old", "policy-renamed/new", EQUIVALENT.rstrip()),
    (
        "equivalence/consolidated-too-far/old",
        "equivalence/consolidated-too-far/new",
        "not equivalent: 4 flows opened",
    ),
    ("equivalence/moved-namespace/old", "equivalence/moved-namespace/new", MOVED),
    ("equivalence/admin-v1alpha2/old", "equivalence/admin-v1alpha2/new", EQUIVALENT.rstrip()),
    (
        "equivalence/admin-v1alpha2/old",
        "equivalence/admin-v1alpha2/reordered",
        "not equivalent: 1 flow closed",
    ),
    (
        "equivalence/default-deny/staged",
        "equivalence/default-deny/new",
        "not equivalent: 8 flows closed",
    ),
    (
        "workload-added/old",
        "workload-added/new",
        "not equivalent: 4 flows opened; workload added: api/payments[Deployment]",
    ),
    (
        "vendor-policy-added/old",
        "vendor-policy-added/new",
        (
            "cannot tell: shop/isolate-payments (CiliumNetworkPolicy, added) is of a kind "
            "netpoldiff does not evaluate"
        ),
    ),
    (
        "selector-typo/old",
        "selector-typo/new",
        "cannot tell: shop/paymentservice (NetworkPolicy, added) selects no workload in the input",
    ),
    (
        "nothing-read/old",
        "nothing-read/new",
        "cannot tell: nothing was read in OLD; nothing was read in NEW",
    ),
]
IDS: Final = [
    "consolidated",
    "labels-renamed",
    "allow-all-made-explicit",
    "rules-reordered",
    "policy-split",
    "policy-renamed",
    "consolidated-too-far",
    "moved-to-another-namespace",
    "admin-policies-as-cluster-network-policies",
    "admin-rewrite-with-a-rule-moved",
    "default-deny-enforced",
    "workload-added",
    "vendor-policy-added",
    "selector-typo",
    "nothing-read",
]


@pytest.mark.parametrize(("old", "new", "line"), CASES, ids=IDS)
def test_the_verdict_and_its_status_in_every_format(
    run_cli: CliRunner, old: str, new: str, line: str
) -> None:
    sides = (f"fixtures/{old}", f"fixtures/{new}")
    status = 0 if line == EQUIVALENT.rstrip() else 1
    for output_format in ("text", "markdown", "json", "dot"):
        plain = run_cli(*sides, "--format", output_format)
        asked = run_cli(*sides, "--equivalent", "--format", output_format)
        assert (asked.status, asked.err) == (status, ""), (output_format, asked.err)
        if output_format in {"json", "dot"}:
            assert asked.out == plain.out  # the usual document: the status is the verdict
        elif status == 0:
            assert asked.out == f"{line}\n"
        else:
            first, report = asked.out.split("\n\n", 1)
            assert first.replace("`", "") == line  # Markdown: names as inline code
            assert report == plain.out


def test_labels_renamed_on_the_workloads_only_are_not_equivalent(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    renamed = FIXTURES / "equivalence" / "labels-renamed"
    half = tmp_path / "half"
    half.mkdir()
    shutil.copy(renamed / "new" / "workloads.yaml", half)
    shutil.copy(renamed / "old" / "policies.yaml", half)  # selectors still say app=...
    result = run_cli(str(renamed / "old"), str(half), "--equivalent")
    assert result.status == 1
    assert result.out.startswith("not equivalent: 6 flows closed\n\n")


def test_a_new_label_beside_the_old_one_with_selectors_switched_is_equivalent(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # A Deployment's spec.selector is immutable: the old label stays on the pods beside the new.
    renamed = FIXTURES / "equivalence" / "labels-renamed"
    both = tmp_path / "both"
    both.mkdir()
    workloads = (renamed / "old" / "workloads.yaml").read_text(encoding="utf-8")
    for name in ("frontend", "cart", "checkout", "payments", "redis"):
        workloads = workloads.replace(
            f"metadata: {{labels: {{app: {name}}}}}",
            f"metadata: {{labels: {{app: {name}, app.kubernetes.io/name: {name}}}}}",
        )
    assert workloads.count("app.kubernetes.io/name") == 5
    (both / "workloads.yaml").write_text(workloads, encoding="utf-8")
    shutil.copy(renamed / "new" / "policies.yaml", both)
    result = run_cli(str(renamed / "old"), str(both), "--equivalent")
    assert (result.status, result.out) == (0, EQUIVALENT)


def test_a_move_that_forgets_the_new_namespace_s_default_deny_opens_flows(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    moved = FIXTURES / "equivalence" / "moved-namespace" / "new"
    forgot = tmp_path / "forgot"
    shutil.copytree(moved, forgot)
    policies = (forgot / "policies.yaml").read_text(encoding="utf-8")
    without, _, deny = policies.rpartition("---\n")
    assert "name: default-deny, namespace: payments" in deny
    (forgot / "policies.yaml").write_text(without, encoding="utf-8")
    result = run_cli(str(moved.parent / "old"), str(forgot), "--equivalent")
    assert result.status == 1
    assert result.out.startswith(
        "not equivalent: 2 flows opened; workload moved or renamed (another endpoint): "
    )
    assert "Opens flows to outside the cluster from payments/payments[Deployment]" in result.out
    assert result.out.endswith("Reachability: 1 row opened (2 flows), 0 closed.\n")


ADMIN_V1ALPHA2: Final = FIXTURES / "equivalence" / "admin-v1alpha2"
SHOP_DB_REWRITTEN: Final = [
    {"namespace": None, "name": "shop-db", "kind": "AdminNetworkPolicy", "change": "removed"},
    {"namespace": None, "name": "shop-db", "kind": "ClusterNetworkPolicy", "change": "added"},
]


def _flows(entries: list[dict[str, Any]]) -> list[tuple[str, str, object, list[object]]]:
    return [
        (e["src"]["name"], e["dst"].get("name", "outside"), e["connections"], e["causes"])
        for e in entries
    ]


def test_a_rule_moved_in_the_rewrite_shows_the_one_flow_it_closes(run_cli: CliRunner) -> None:
    # The database's Deny from every namespace now comes before the Pass that hands the API's
    # connections to the namespace's NetworkPolicies.
    result = run_cli(
        str(ADMIN_V1ALPHA2 / "old"), str(ADMIN_V1ALPHA2 / "reordered"), "--format", "json"
    )
    document = json.loads(result.out)
    port = [{"protocol": "TCP", "ports": [[5432, 5432]]}]
    assert _flows(document["closed"]) == [("api", "db", port, SHOP_DB_REWRITTEN)]
    assert document["opened"] == []


def test_a_baseline_pass_for_a_deny_opens_what_the_baseline_denied(
    run_cli: CliRunner, tmp_path: Path
) -> None:
    # BaselineAdminNetworkPolicy has no Pass; in the Baseline tier it hands connections to the
    # default allow, so pods no NetworkPolicy selects accept them.
    passing = tmp_path / "passing"
    shutil.copytree(ADMIN_V1ALPHA2 / "new", passing)
    text = (passing / "admin.yaml").read_text(encoding="utf-8")
    deny = "- name: nothing-else\n      action: Deny\n"
    assert text.count(deny) == 1
    (passing / "admin.yaml").write_text(
        text.replace(deny, deny.replace("Deny", "Pass")), encoding="utf-8"
    )
    result = run_cli(str(ADMIN_V1ALPHA2 / "old"), str(passing), "--equivalent", "--format", "json")
    assert result.status == 1
    document = json.loads(result.out)
    # Together: with either alone, a baseline still denies, or none is there.
    baseline = [
        {"namespace": None, "name": name, "kind": kind, "change": change, "joint": True}
        for name, kind, change in (
            ("default", "BaselineAdminNetworkPolicy", "removed"),
            ("shop-baseline", "ClusterNetworkPolicy", "added"),
        )
    ]
    but_metrics = [
        {"protocol": "TCP", "ports": [[1, 9089], [9091, 65535]]},
        {"protocol": "UDP", "ports": "all"},
        {"protocol": "SCTP", "ports": "all"},
    ]
    # web and db are not opened: a NetworkPolicy selects web, an admin Deny guards db.
    assert _flows(document["opened"]) == [
        ("coredns", "api", "all", baseline),
        ("prometheus", "api", but_metrics, baseline),
    ]
    assert document["closed"] == []
    assert "namespace-open-to-all" in [f["kind"] for f in document["findings"]]


def test_the_rewrite_rolls_out_each_new_policy_before_the_one_it_replaces_goes(
    run_cli: CliRunner,
) -> None:
    sides = (str(ADMIN_V1ALPHA2 / "old"), str(ADMIN_V1ALPHA2 / "new"))
    document = json.loads(run_cli("plan", *sides, "--format", "json").out)
    steps = [(s["action"], s["kind"], s["name"]) for s in document["steps"]]
    applied = [step for step in steps if step[0] == "apply"]
    assert steps[: len(applied)] == applied
    assert {kind for _, kind, _ in applied} == {"ClusterNetworkPolicy"}
    assert sorted(name for action, _, name in steps if action == "delete") == [
        "default",
        "platform-guardrails",
        "shop-db",
    ]
    assert document["safe"] is True


# ---- on real git repositories ----------------------------------------------------------------


def _put(repo: GitRepo, tree: Path, under: str = "k8s") -> None:
    """Make ``under`` hold exactly the manifests of ``tree``."""
    shutil.rmtree(repo.root / under, ignore_errors=True)
    shutil.copytree(tree, repo.root / under)


@pytest.fixture
def consolidated(tmp_path: Path) -> GitRepo:
    """Two commits: the twelve policies of the shop, then the six that replace them."""
    repo = GitRepo.init(tmp_path / "repo")
    _put(repo, FIXTURES / "equivalence" / "consolidated" / "old")
    repo.commit("twelve policies")
    _put(repo, FIXTURES / "equivalence" / "consolidated" / "new")
    repo.commit("one policy per workload")
    return repo


def test_a_consolidating_commit_is_proved_equivalent(
    run_cli: CliRunner, consolidated: GitRepo
) -> None:
    at = ("-C", str(consolidated.root))
    assert run_cli(*at, "HEAD~1", "HEAD", "--equivalent").out == EQUIVALENT
    assert run_cli(*at, "diff", "HEAD~1", "HEAD", "--equivalent", "--", "k8s/").status == 0
    # Staged but not committed: the pre-commit view of the same proof.
    consolidated.git("reset", "--soft", "HEAD~1")
    staged = run_cli(*at, "--staged", "--equivalent")
    assert (staged.status, staged.out) == (0, EQUIVALENT)


def test_a_changed_template_makes_it_cannot_tell(run_cli: CliRunner, consolidated: GitRepo) -> None:
    template = "examples/policy.yaml"
    consolidated.write(template, "kind: NetworkPolicy\nmetadata: {name: {{ .Values.name }}}\n")
    consolidated.commit("an example")
    consolidated.write(template, "kind: NetworkPolicy\nmetadata: {name: {{ .Values.other }}}\n")
    consolidated.commit("the example changed")
    result = run_cli("-C", str(consolidated.root), "HEAD~2", "HEAD", "--equivalent")
    assert result.status == 1
    first = result.out.splitlines()[0]
    assert first == f"cannot tell: {template} (added) was not read (a template)"
    assert "Changed but not analysed" in result.out


def test_input_skipped_with_keep_going_makes_it_cannot_tell(
    run_cli: CliRunner, consolidated: GitRepo
) -> None:
    consolidated.write("k8s/broken.yaml", "kind: NetworkPolicy\nspec: [\n")
    consolidated.commit("a broken manifest")
    at = ("-C", str(consolidated.root), "HEAD~2", "HEAD", "--equivalent")
    kept = run_cli(*at, "--keep-going")
    assert kept.status == 1
    assert kept.out.startswith(
        "cannot tell: k8s/broken.yaml (document 1, line 3) in NEW was skipped"
    )
    json_status = run_cli(*at, "--keep-going", "--format", "json")
    assert json_status.status == 1
    assert '"incomplete": true' in json_status.out
    assert_one_line_error(run_cli(*at), "in NEW", "k8s/broken.yaml")


# ---- the README's recipes, as run --------------------------------------------------------------

_SECTION: Final = re.compile(r"^## Migration recipes\n(.*?)(?=^## )", re.MULTILINE | re.DOTALL)
_CONSOLE: Final = re.compile(r"^```console\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
_STATUS: Final = "$ echo $?\n"
# The recipes run in the folder of their example trees.
_RECIPES_AT: Final = ("-C", "fixtures/equivalence")


def _recipe_commands() -> list[tuple[list[str], str, int | None]]:
    """Each ``$ netpoldiff ...`` of the recipes: its output, and its status where shown."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = _SECTION.search(readme)
    found: list[tuple[list[str], str, int | None]] = []
    for block in _CONSOLE.findall(section.group(1) if section else ""):
        for command in re.split(r"^(?=\$ )", block, flags=re.MULTILINE):
            if command.startswith("$ netpoldiff "):
                line, _, output = command.partition("\n")
                found.append((line.removeprefix("$ netpoldiff ").split(), output, None))
            elif command.startswith(_STATUS) and found:
                args, output, _ = found[-1]
                found[-1] = (args, output, int(command.removeprefix(_STATUS)))
    return found


RECIPES: Final = _recipe_commands()


def test_the_recipes_show_their_commands_and_statuses() -> None:
    assert len(RECIPES) >= 5  # one per recipe at least
    assert all(status is not None for _, _, status in RECIPES)


@pytest.mark.parametrize(
    ("args", "shown", "status"), RECIPES, ids=[" ".join(a) for a, _, _ in RECIPES]
)
def test_each_recipe_prints_what_the_readme_shows(
    run_cli: CliRunner, args: list[str], shown: str, status: int | None
) -> None:
    result = run_cli(*_RECIPES_AT, *args)
    assert (result.out, result.status) == (shown, status)
