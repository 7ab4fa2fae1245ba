"""relocate: a conversion moved to another path keeps everything but the path."""

from __future__ import annotations

from netpoldiff.errors import Location
from netpoldiff.manifests import Loader
from netpoldiff.sources import SourceFile


def test_rules_peers_and_ports_know_their_lines_under_every_path_of_the_same_content() -> None:
    text = (
        b"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        b"metadata: {name: p, namespace: shop}\n"
        b"spec:\n"
        b"  podSelector: {}\n"
        b"  ingress:\n"
        b"  - from:\n"
        b"    - podSelector: {matchLabels: {app: web}}\n"
        b"    - ipBlock: {cidr: 10.0.0.0/8}\n"
        b"    ports:\n"
        b"    - port: 80\n"
    )
    files = [SourceFile("old/p.yaml", text, "same"), SourceFile("new/p.yaml", text, "same")]
    loader = Loader()
    loaded = [loader.load([f]).cluster.policies[0] for f in files]
    for path, policy in zip(("old/p.yaml", "new/p.yaml"), loaded, strict=True):
        (rule,) = policy.ingress
        assert rule.peers is not None
        pod, block = rule.peers
        (port,) = rule.ports
        lines = [x.origin for x in (policy, rule, pod, block, port)]
        assert lines == [
            Location(path, 1, 1),
            Location(path, 1, 7),
            Location(path, 1, 8),
            Location(path, 1, 9),
            Location(path, 1, 11),
        ]


def test_the_warnings_an_annotation_hides_are_those_of_each_path() -> None:
    text = (
        b"apiVersion: v1\nkind: Namespace\n"
        b"metadata: {name: shop, annotations: {netpoldiff.io/ignore: NPD006}}\n"
    )
    files = [SourceFile("old/n.yaml", text, "same"), SourceFile("new/n.yaml", text, "same")]
    loader = Loader()
    loaded = [loader.load([f]) for f in files]
    assert loader.conversions == 1
    assert [[a.where for a in each.ignored] for each in loaded] == [
        [Location("old/n.yaml", 1)],
        [Location("new/n.yaml", 1)],
    ]
