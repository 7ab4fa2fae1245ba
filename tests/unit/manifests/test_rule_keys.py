"""rule_keys: a rule's keys written where they do not belong are refused with a hint."""

from __future__ import annotations

import pytest

from netpoldiff.manifests.rule_keys import yaml_hint
from tests.unit.manifests.loading import Bad, assert_refused, load, load_error, netpol

REMOVE_DASH = "`ports` is a key of the rule, not a peer: remove its leading `-` and align it with"


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            Bad(
                netpol(
                    "ingress:\n- from:\n  - podSelector:\n      matchLabels: {role: frontend}\n"
                    "  - ports:\n    - port: 6379\n"
                ),
                1,
                9,
                (
                    (
                        "spec.ingress[0].from[1]: must specify a peer: podSelector, "
                        f"namespaceSelector or ipBlock; {REMOVE_DASH} `from`"
                    ),
                ),
            ),
            id="ports-as-a-peer",
        ),
        pytest.param(
            Bad(
                netpol("egress:\n- to:\n  - ipBlock: {cidr: 10.0.0.0/8}\n  - to:\n    - {}\n"),
                1,
                8,
                (
                    "spec.egress[0].to[1]: must specify a peer",
                    (
                        "`to` is a key of the rule, not a peer: a rule's `- to:` goes at the "
                        "indentation of the rules' `-`"
                    ),
                ),
            ),
            id="to-as-a-peer",
        ),
        pytest.param(
            Bad(
                netpol("ingress:\n- from:\n  - podSelector: {}\n    ports:\n    - port: 80\n"),
                1,
                8,
                (
                    (
                        "spec.ingress[0].from[0].ports: a peer has no field 'ports' (kubectl apply "
                        "rejects it); if `ports` belongs to the rule, align it with `from`"
                    ),
                ),
            ),
            id="ports-inside-a-peer",
        ),
        pytest.param(
            Bad(
                netpol("egress:\n- to:\n  - ipBlock:\n      cidr: 0.0.0.0/0\n      ports: []\n"),
                1,
                9,
                ("spec.egress[0].to[0].ipBlock.ports: an ipBlock has no field 'ports'",),
            ),
            id="ports-inside-an-ip-block",
        ),
        pytest.param(
            Bad(
                netpol("egress:\n- to:\n  - ipBlock: {cidr: 0.0.0.0/0}\n    ports: [{port: 1}]\n"),
                1,
                8,
                ("spec.egress[0].to[0].ports: a peer has no field 'ports'", "align it with `to`"),
            ),
            id="ports-beside-an-ip-block",
        ),
        pytest.param(
            Bad(
                netpol(
                    "ingress:\n- from:\n  - podSelector:\n      matchLabels: {a: b}\n"
                    "      ports:\n      - port: 80\n"
                ),
                1,
                9,
                ("spec.ingress[0].from[0].podSelector.ports: a label selector has no field",),
            ),
            id="ports-inside-a-selector",
        ),
        pytest.param(
            Bad(
                netpol("ingress:\n- from:\n  - podSelector: {}\nports:\n- port: 80\n"),
                1,
                8,
                (
                    (
                        "spec.ports: a NetworkPolicy spec has no field 'ports' (kubectl apply "
                        "rejects it); if `ports` belongs to the rule, align it with `from` or `to`"
                    ),
                ),
            ),
            id="ports-in-the-spec",
        ),
        pytest.param(
            Bad(
                netpol("podSelector: {}\nfrom:\n- podSelector: {}\n"),
                1,
                6,
                ("spec.from: a NetworkPolicy spec has no field 'from'", "rules' list"),
            ),
            id="from-in-the-spec",
        ),
    ],
)
def test_a_rule_key_out_of_place_is_refused_with_a_hint(case: Bad) -> None:
    assert_refused(case)


def test_a_peer_without_a_rule_key_keeps_the_plain_message() -> None:
    assert_refused(
        Bad(
            netpol("ingress:\n- from:\n  - {}\n"),
            1,
            7,
            ("must specify a peer: podSelector, namespaceSelector or ipBlock",),
        )
    )
    error_free = load(netpol("ingress:\n- from:\n  - podSelector: {}\n  ports:\n  - port: 80\n"))
    assert len(error_free.cluster.policies) == 1


REDIS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis}
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector:
        matchLabels: {role: frontend}
{indent}ports:
{indent}- port: 6379
"""


@pytest.mark.parametrize(
    ("indent", "hint"),
    [
        (
            " - ",
            (
                "; if `ports` belongs to the rule above, remove the leading `-` and align it with "
                "`from` or `to`"
            ),
        ),
        ("   - ", "; if `ports` belongs to the rule above"),
        ("   ", "; `ports` goes at the indentation of its rule's `from` or `to`"),
    ],
    ids=["dash-one-left", "dash-one-right", "key-one-left"],
)
def test_yaml_broken_by_a_rule_key_says_how_to_fix_it(indent: str, hint: str) -> None:
    text = REDIS.replace("{indent}ports", f"{indent}ports").replace(
        "{indent}- port", " " * len(indent) + "- port"
    )
    assert_refused(Bad(text, 1, 10, ("invalid YAML: ", hint)))


def test_yaml_broken_elsewhere_gets_no_hint() -> None:
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
        "    spec:\n      containers:\n      - name: web\n     - ports: []\n"
    )
    assert_refused(Bad(deployment, 1, 9, ("invalid YAML: ",)))
    assert "`ports`" not in load_error(deployment).message


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("kind: NetworkPolicy\nspec:\n - from:\n", 2, "; a rule's `- from:` goes at"),
        ("kind: NetworkPolicy\nspec:\n - to:\nx\n", 3, "; a rule's `- to:` goes at"),
        ("kind: Service\n---\nkind: NetworkPolicy\n - ports:\n", 3, "; if `ports` belongs"),
        ("kind: NetworkPolicy\n---\nkind: Service\n - ports:\n", 3, ""),
        ("kind: NetworkPolicy\n - ports:\n", 9, ""),
    ],
    ids=[
        "on-the-line",
        "on-the-line-before",
        "its-own-document",
        "another-document",
        "past-the-end",
    ],
)
def test_the_yaml_hint_reads_the_line_and_the_one_before_in_a_policy(
    text: str, line: int, expected: str
) -> None:
    hint = yaml_hint(text, line)
    assert hint.startswith(expected)
    assert bool(hint) is bool(expected)
