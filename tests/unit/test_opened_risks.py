"""The opened pairs behind each finding: every port gained, and removed denies counted."""

from __future__ import annotations

import pytest

from netpoldiff.causes import Causes
from netpoldiff.changes import ChangeSet
from netpoldiff.diff import diff_matrices
from netpoldiff.evaluate import evaluate_pair
from netpoldiff.opened_risks import gather_opened
from netpoldiff.policies import NetworkPolicy, PolicyPort
from tests.testing.builders import TCP, UDP, cluster, pods, policy, port, rule, workload

WEB = workload("a/web", {"app": "web"})
API = workload("a/api", {"app": "api"})


def api_from_web(*ports: PolicyPort) -> NetworkPolicy:
    return policy("a/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"}), ports=ports),))


@pytest.mark.parametrize(
    ("old", "new", "every_port"),
    [
        ((port(number=80),), (), 1),
        ((port(number=80),), (port(TCP),), 1),
        ((port(TCP),), (port(TCP), port(UDP, 53)), 0),
        ((port(number=80),), (port(TCP, 1, 79), port(TCP, 81, 65535), port(TCP, 80)), 1),
        ((port(number=80),), (port(TCP, 1, 79), port(TCP, 81, 65535)), 0),
    ],
    ids=[
        "everything-where-one-port-was",
        "every-tcp-port-where-one-was",
        "udp-53-beside-every-tcp-port",
        "every-tcp-port-written-in-pieces",
        "every-tcp-port-but-the-one-it-had",
    ],
)
def test_every_port_means_new_allows_a_whole_protocol_old_did_not(
    old: tuple[PolicyPort, ...], new: tuple[PolicyPort, ...], every_port: int
) -> None:
    before = cluster(WEB, API, api_from_web(*old))
    after = cluster(WEB, API, api_from_web(*new))
    diff = diff_matrices(*evaluate_pair(before, after))
    found = gather_opened(diff, Causes(diff, ChangeSet.between(before, after)), [])
    entry = found.get(("all-ports", ""))
    assert (entry.flows if entry else 0) == every_port
