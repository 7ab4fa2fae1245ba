"""``.netpoldiff.yaml``: every key read, every mistake one error naming the file and line."""

from __future__ import annotations

import pytest

from netpoldiff.configuration import Configuration, parse_configuration
from netpoldiff.errors import InputError
from netpoldiff.render.plan import HelmRelease, RenderPlan

FULL = """\
paths: [k8s/, deploy]
exclude: [k8s/examples/, "*.tmpl.yaml"]
namespace: shop
render:
  mode: none
  kustomize: [deploy/overlays/prod]
  helm:
    - chart: charts/shop
      values: [charts/shop/values.yaml, charts/shop/values-prod.yaml]
      release: shop
      namespace: payments
    - chart: charts/web
workload_kinds: ["Rollout.argoproj.io=spec.template"]
fail_on: [opened, findings]
ignore: [NPD007, "npd003, NPD005"]
"""


def _parse(text: str) -> Configuration:
    return parse_configuration(text.encode(), ".netpoldiff.yaml")


def test_every_key_is_read_into_its_setting() -> None:
    configuration = _parse(FULL)
    assert configuration.paths == ("k8s", "deploy")
    assert configuration.exclude == ("k8s/examples", "*.tmpl.yaml")
    assert configuration.namespace == "shop"
    assert configuration.render == RenderPlan(
        mode="none",
        kustomizations=("deploy/overlays/prod",),
        charts=(
            HelmRelease(
                "charts/shop",
                ("charts/shop/values.yaml", "charts/shop/values-prod.yaml"),
                "shop",
                "payments",
            ),
            HelmRelease("charts/web"),
        ),
    )
    (kind,) = configuration.workload_kinds
    assert (kind.name, kind.groups, kind.pod_template) == (
        "Rollout",
        frozenset({"argoproj.io"}),
        ("spec", "template"),
    )
    assert configuration.fail_on == ("opened", "findings")
    assert configuration.ignore == {"NPD003", "NPD005", "NPD007"}


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "---\n"], ids=["empty", "comment", "bare"])
def test_a_file_without_keys_is_the_defaults(text: str) -> None:
    assert _parse(text) == Configuration(".netpoldiff.yaml")


def test_render_without_mode_renders_what_it_finds() -> None:
    assert _parse("render: {kustomize: [a]}\n").render == RenderPlan(kustomizations=("a",))


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("path: [k8s]\n", 1, "unknown key 'path': expected one of paths, exclude"),
        ("namespace: a\nfail-on: [opened]\n", 2, "unknown key 'fail-on'"),
        ("paths: k8s\n", 1, "paths must be a list of strings, found a string"),
        ("paths: [k8s, 3]\n", 1, "paths must be a list of strings, found a list with a non-string"),
        ("paths:\n", 1, "paths has no value"),
        ("paths: [/etc]\n", 1, "paths: '/etc' leads outside the repository"),
        ("exclude: [a/../../b]\n", 1, "exclude: 'a/../../b' leads outside the repository"),
        ("exclude: ['..']\n", 1, "exclude: '..' leads outside the repository"),
        ("paths: ['']\n", 1, "paths: '' is not a repository path"),
        ("paths: ['a\\\\b']\n", 1, "is not a repository path"),
        ("namespace: Shop\n", 1, "namespace: 'Shop' is not a namespace name"),
        ("namespace: on\n", 1, "namespace must be a string, found a boolean (write 'on' in quotes"),
        ("namespace: 0755\n", 1, "namespace must be a string, found a number"),
        ("namespace: [a]\n", 1, "namespace must be a string, found a list"),
        ("fail_on: [opend]\n", 1, "fail_on: 'opend' is not one of opened, closed, any"),
        ("fail_on: opened\n", 1, "fail_on must be a list of strings"),
        ("workload_kinds: [Rollout]\n", 1, "workload_kinds: 'Rollout': expected Kind.group="),
        ("paths: [a]\nignore: [NPD07]\n", 2, "ignore: unknown warning code 'NPD07' (the codes"),
        ("ignore: [all]\n", 1, "ignore: 'all' is not a code: name each code"),
        ("ignore: NPD003\n", 1, "ignore must be a list of strings, found a string"),
        ("ignore: [' ']\n", 1, "ignore: ' ' names no code"),
        ("render: auto\n", 1, "render must be a mapping (mode, kustomize, helm), found a string"),
        ("render:\n  mode: always\n", 2, "render.mode: 'always' is not one of auto, none"),
        ("render:\n  kustomise: [a]\n", 2, "unknown key render.'kustomise'"),
        ("render:\n  kustomize: [../up]\n", 2, "render.kustomize: '../up' leads outside"),
        (
            "render:\n  helm: {chart: c}\n",
            2,
            "render.helm must be a list of charts, found a mapping",
        ),
        ("render:\n  helm: [c]\n", 2, "each chart is a mapping (chart, values...), found a string"),
        ("render:\n  helm:\n    - values: [v]\n", 3, "each chart needs 'chart'"),
        (
            "render:\n  helm:\n    - chart: c\n      value: [v]\n",
            4,
            "unknown key render.helm[].'value'",
        ),
        ("render:\n  helm:\n    - chart: /c\n", 3, "render.helm[].chart: '/c' leads outside"),
        ("render:\n  helm:\n    - chart: c\n      values: [../v]\n", 4, "values: '../v' leads"),
        ("render:\n  helm:\n    - chart: c\n      release: Shop\n", 4, "is not a release name"),
        ("render:\n  helm:\n    - chart: c\n      namespace: A\n", 4, "render.helm[].namespace"),
        (
            "namespace: a\nnamespace: b\n",
            2,
            "duplicate key 'namespace' (the first one is on line 1)",
        ),
        ("paths: [a]\n---\npaths: [b]\n", None, "one document expected, found 2"),
        ("- paths\n", 1, "expected a mapping of keys (paths, exclude, namespace"),
        ("paths: [a\n", None, ""),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 24 else None,
)
def test_each_mistake_is_one_error_at_its_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(InputError) as raised:
        _parse(text)
    assert raised.value.location.path == ".netpoldiff.yaml"
    if line is not None:
        assert raised.value.location.line == line
    assert message in raised.value.message
    assert "\n" not in str(raised.value)


def test_differing_keys_name_what_changed_in_key_order() -> None:
    old = _parse("namespace: a\npaths: [k8s]\n")
    assert old.differing_keys(_parse("paths: [k8s]\nnamespace: a\n# reordered\n")) == ()
    new = _parse("paths: [k8s]\nexclude: [k8s]\nnamespace: b\n")
    assert old.differing_keys(new) == ("exclude", "namespace")
    # Writing a default out is a change of the file all the same.
    assert _parse("").differing_keys(_parse("render: {mode: auto}\n")) == ("render",)
