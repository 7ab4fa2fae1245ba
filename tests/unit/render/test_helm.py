"""Helm charts rendered by the helm program (a stand-in here) or by Helm's library (for real)."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from netpoldiff.errors import InputError, NetpoldiffError, SourceError
from netpoldiff.render import helm_library
from netpoldiff.render.helm import render_chart
from netpoldiff.render.plan import HelmRelease

APP = "charts/app"  # the chart's path in the repository
NETWORK_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  podSelector: {matchLabels: {app: {{ .Values.app }}}}
  ingress:
    - ports: [{port: {{ .Values.port }}}]
"""


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def chart_yaml(name: str, *dependencies: str) -> str:
    needs = "".join(f"  - {{name: {d}, version: 0.1.0}}\n" for d in dependencies)
    return f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n" + (
        f"dependencies:\n{needs}" if needs else ""
    )


def documents(stream: bytes) -> dict[str, dict[str, Any]]:
    """The rendered objects by kind and name."""
    found = {}
    for document in yaml.safe_load_all(stream):
        if document:
            found[f"{document['kind']}/{document['metadata']['name']}"] = document
    return found


def one_line(error: NetpoldiffError) -> str:
    text = str(error)
    assert "\n" not in text
    assert "/tmp" not in text, "a private copy's path leaked into the message"
    return text


# --- the helm program: a stand-in that reports how it was run ------------------------------


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An otherwise empty PATH, so that no real helm on the machine is run."""
    path = tmp_path / "bin"
    path.mkdir()
    monkeypatch.setenv("PATH", str(path))
    return path


def stand_in(bin_dir: Path, body: str, name: str = "helm") -> Path:
    program = bin_dir / name
    program.write_text(f"#!{sys.executable}\n{textwrap.dedent(body)}", encoding="utf-8")
    program.chmod(0o755)
    return program


HOMES = ["HOME", "HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME", "HELM_PLUGINS"]
REPORTING_HELM = """\
import json, os, sys
from pathlib import Path

def empty_dir(name):
    path = Path(os.environ[name])
    return path.is_dir() and not any(path.iterdir())

kubeconfig = Path(os.environ["KUBECONFIG"])
Path(sys.argv[0] + ".json").write_text(json.dumps({
    "argv": sys.argv[1:],
    # Python itself sets LC_CTYPE when it coerces a C locale.
    "env": sorted(set(os.environ) - {"LC_CTYPE"}),
    "empty": [name for name in HOMES if empty_dir(name)],
    "kubeconfig": [kubeconfig.exists(), any(kubeconfig.parent.iterdir())],
    "no_plugins": os.environ["HELM_NO_PLUGINS"],
}))
print("apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: from-helm}")
""".replace("HOMES", repr(HOMES))


def test_helm_on_path_renders_with_its_arguments_in_an_empty_environment(
    tmp_path: Path, bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "real-kubeconfig"))
    program = stand_in(bin_dir, REPORTING_HELM)
    repo = write_tree(tmp_path / "repo", {"v/base.yaml": "a: 1", "v/prod.yaml": "a: 2"})
    chart_dir = tmp_path / "copy" / "app"
    chart_dir.mkdir(parents=True)
    release = HelmRelease(APP, ("v/base.yaml", "v/prod.yaml"), "web", "shop")

    stream = render_chart(chart_dir, release, command=None, timeout=10, values_root=repo)

    assert stream == b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-helm}\n"
    run = json.loads(Path(f"{program}.json").read_text(encoding="utf-8"))
    values = [str(repo.resolve() / "v" / name) for name in ("base.yaml", "prod.yaml")]
    assert run["argv"] == [
        "template", "--namespace", "shop", "-f", values[0], "-f", values[1],
        "--skip-tests", "--include-crds", "--", "web", str(chart_dir),
    ]  # fmt: skip
    assert run["env"] == sorted([*HOMES, "HELM_NO_PLUGINS", "KUBECONFIG", "PATH"])
    assert run["empty"] == HOMES
    assert run["kubeconfig"] == [False, False]  # a file name in an empty directory
    assert run["no_plugins"] == "1"


def test_helm_command_is_run_instead_of_helm_on_path(tmp_path: Path, bin_dir: Path) -> None:
    stand_in(bin_dir, "raise SystemExit('the helm on PATH ran')")
    chosen = stand_in(tmp_path, REPORTING_HELM, name="helm3")
    chart_dir = tmp_path / "app"
    chart_dir.mkdir()
    release = HelmRelease(APP)

    render_chart(chart_dir, release, command=str(chosen), timeout=10, values_root=tmp_path)

    run = json.loads(Path(f"{chosen}.json").read_text(encoding="utf-8"))
    assert run["argv"][:3] == ["template", "--namespace", "default"]  # helm's own default
    assert run["argv"][-2:] == ["release", str(chart_dir)]


@pytest.mark.usefixtures("bin_dir")
def test_a_helm_command_that_is_not_found_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as raised:
        render_chart(tmp_path, HelmRelease(APP), command="helm9", timeout=10, values_root=tmp_path)
    assert one_line(raised.value) == (
        f"{APP}: cannot render the Helm chart: helm program 'helm9' not found"
    )


def test_a_helm_that_cannot_start_is_an_error(tmp_path: Path, bin_dir: Path) -> None:
    program = bin_dir / "helm"
    program.write_text("#!/nonexistent/interpreter\n", encoding="utf-8")
    program.chmod(0o755)
    with pytest.raises(SourceError) as raised:
        render_chart(tmp_path, HelmRelease(APP), command=None, timeout=10, values_root=tmp_path)
    assert str(raised.value) == (
        f"{APP}: cannot render the Helm chart: cannot run {program}: No such file or directory"
    )


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            "template: {chart}/templates/np.yaml:1: boom",
            f"template: {APP}/templates/np.yaml:1: boom",
        ),
        ("failed to parse {values}: yaml: line 1", "failed to parse deploy/v.yaml: yaml: line 1"),
    ],
    ids=["template", "values-file"],
)
def test_a_failing_helm_gives_its_error_line_naming_the_chart(
    tmp_path: Path, bin_dir: Path, error: str, shown: str
) -> None:
    repo = write_tree(tmp_path / "repo", {"deploy/v.yaml": "a: 1\n"})
    chart_dir = tmp_path / "copy" / "app"
    stand_in(
        bin_dir,
        f"""\
        import sys
        chart, values = sys.argv[-1], sys.argv[sys.argv.index("-f") + 1]
        sys.stderr.write("walk.go:75: found symbolic link in path\\n")
        sys.stderr.write("Error: " + {error!r}.format(chart=chart, values=values) + "\\n")
        sys.exit(1)
        """,
    )
    release = HelmRelease(APP, ("deploy/v.yaml",))
    with pytest.raises(InputError) as raised:
        render_chart(chart_dir, release, command=None, timeout=10, values_root=repo)
    assert one_line(raised.value) == f"{APP}: helm template failed: {shown}"


@pytest.mark.parametrize(
    "body",
    [
        "import time\ntime.sleep(60)\n",
        "import os, time\nos.close(1)\nos.close(2)\ntime.sleep(60)\n",
    ],
    ids=["printing-nothing", "pipes-closed"],
)
def test_a_helm_that_runs_too_long_is_stopped(tmp_path: Path, bin_dir: Path, body: str) -> None:
    stand_in(bin_dir, body)
    with pytest.raises(InputError) as raised:
        render_chart(tmp_path, HelmRelease(APP), command=None, timeout=0.5, values_root=tmp_path)
    assert one_line(raised.value) == f"{APP}: helm template took longer than 0.5 seconds"


def test_a_helm_that_prints_too_much_is_stopped(
    tmp_path: Path, bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(helm_library, "MAX_OUTPUT", 100_000)
    stand_in(bin_dir, "import sys\nwhile True:\n    sys.stdout.write('# ' * 1000)\n")
    with pytest.raises(InputError) as raised:
        render_chart(tmp_path, HelmRelease(APP), command=None, timeout=10, values_root=tmp_path)
    assert one_line(raised.value) == f"{APP}: helm template printed more than 100000 bytes"


# --- Helm's library, on real charts ---------------------------------------------------------


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No helm program: the library renders."""
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs"))


def render(repo: Path, release: HelmRelease, timeout: float = 10) -> bytes:
    chart_dir = repo / release.chart
    return render_chart(chart_dir, release, command=None, timeout=timeout, values_root=repo)


APP_CHART = {
    f"{APP}/Chart.yaml": chart_yaml("app", "db"),
    f"{APP}/values.yaml": "app: web\nport: 80\n",
    f"{APP}/templates/np.yaml": NETWORK_POLICY,
    f"{APP}/templates/_helpers.tpl": '{{ define "app.name" }}app{{ end }}',
    f"{APP}/templates/NOTES.txt": "Installed {{ .Release.Name }}.",
    f"{APP}/templates/tests/test-connection.yaml": """\
        apiVersion: v1
        kind: Pod
        metadata: {name: test, annotations: {helm.sh/hook: test}}
        """,
    f"{APP}/crds/widget.yaml": """\
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        """,
    f"{APP}/charts/db/Chart.yaml": chart_yaml("db"),
    f"{APP}/charts/db/values.yaml": "port: 5432\n",
    f"{APP}/charts/db/templates/np.yaml": NETWORK_POLICY.replace("-web", "-db").replace(
        ".Values.app", '"db"'
    ),
    "deploy/base.yaml": "app: api\nport: 8080\ndb: {port: 5433}\n",
    "deploy/prod.yaml": "port: 8443\ndb: {tls: true}\n",
}


@pytest.mark.usefixtures("library")
def test_the_library_renders_a_chart_with_values_files_and_a_vendored_subchart(
    tmp_path: Path,
) -> None:
    repo = write_tree(tmp_path, APP_CHART)
    release = HelmRelease(APP, ("deploy/base.yaml", "deploy/prod.yaml"), "shop", "prod")

    objects = documents(render(repo, release))

    assert sorted(objects) == [
        "CustomResourceDefinition/widgets.example.com",  # --include-crds
        "NetworkPolicy/shop-db",  # the subchart, from charts/
        "NetworkPolicy/shop-web",  # no test Pod: tests are skipped
    ]
    web, db = objects["NetworkPolicy/shop-web"], objects["NetworkPolicy/shop-db"]
    assert web["metadata"] == {"name": "shop-web", "namespace": "prod"}
    # app from the first values file, port from the second, which overrides the first
    assert web["spec"] == {
        "podSelector": {"matchLabels": {"app": "api"}},
        "ingress": [{"ports": [{"port": 8443}]}],
    }
    # maps merge key by key: db.port from the first file stays beside db.tls from the second
    assert db["spec"]["ingress"] == [{"ports": [{"port": 5433}]}]


@pytest.mark.usefixtures("library")
def test_the_library_names_each_rendered_file_as_helm_template_does(tmp_path: Path) -> None:
    repo = write_tree(tmp_path, APP_CHART)

    stream = render(repo, HelmRelease(APP)).decode()

    assert [line for line in stream.splitlines() if line.startswith("# Source:")] == [
        "# Source: app/crds/widget.yaml",
        "# Source: app/charts/db/templates/np.yaml",
        "# Source: app/templates/np.yaml",
    ]
    assert "namespace: default" in stream


@pytest.mark.usefixtures("library")
@pytest.mark.parametrize(
    ("files", "release", "message"),
    [
        (
            {f"{APP}/templates/fail.yaml": '{{ fail "boom" }}'},
            HelmRelease(APP),
            f"{APP}: execution error at (app/templates/fail.yaml:1:3): boom",
        ),
        (
            {f"{APP}/Chart.yaml": chart_yaml("app", "db", "cache", "queue")},
            HelmRelease(APP),
            (
                f"{APP}: dependency cache, queue of Chart.yaml is not in charts/ (charts are "
                "rendered offline: vendor it with helm dependency build)"
            ),
        ),
        (
            {"deploy/bad.yaml": "port: [\n"},
            HelmRelease(APP, ("deploy/bad.yaml",)),
            (
                f"deploy/bad.yaml: values file of chart {APP}: error converting YAML to JSON: "
                "yaml: line 1: did not find expected node content"
            ),
        ),
        (
            {},
            HelmRelease(APP, release="Not_A_Name"),
            (
                f"{APP}: release name 'Not_A_Name': invalid release name, must match regex "
                "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the "
                "length must not be longer than 53"
            ),
        ),
    ],
    ids=["failing-template", "dependency-not-vendored", "bad-values-file", "bad-release-name"],
)
def test_the_library_refuses_a_chart_in_one_line(
    tmp_path: Path, files: dict[str, str], release: HelmRelease, message: str
) -> None:
    repo = write_tree(tmp_path, APP_CHART | files)
    with pytest.raises(InputError) as raised:
        render(repo, release)
    assert one_line(raised.value) == message


@pytest.mark.usefixtures("library")
def test_the_library_is_abandoned_after_the_timeout(tmp_path: Path) -> None:
    # About 0.2 s of work, which the timeout cuts short.
    repo = write_tree(tmp_path, APP_CHART | {f"{APP}/templates/slow.yaml": SLOW_TEMPLATE})
    with pytest.raises(InputError) as raised:
        render(repo, HelmRelease(APP), timeout=0.01)
    assert one_line(raised.value) == f"{APP}: rendering the chart took longer than 0.01 seconds"


SLOW_TEMPLATE = "{{ range until 3000000 }}{{ end }}"


@pytest.mark.usefixtures("library")
def test_the_library_output_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helm_library, "MAX_OUTPUT", 500)
    repo = write_tree(tmp_path, APP_CHART)
    with pytest.raises(InputError) as raised:
        render(repo, HelmRelease(APP))
    assert one_line(raised.value) == f"{APP}: the rendered chart is larger than 500 bytes"


# --- what either renderer is given ----------------------------------------------------------


@pytest.mark.usefixtures("library")
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("deploy/absent.yaml", f"deploy/absent.yaml: values file of chart {APP} not found"),
        ("../outside.yaml", f"../outside.yaml: values file of chart {APP} is outside the tree"),
        ("/etc/hostname", f"/etc/hostname: values file of chart {APP} is outside the tree"),
        ("deploy/big.yaml", "deploy/big.yaml: values file is larger than 1000 bytes"),
    ],
    ids=["absent", "relative-escape", "absolute", "too-large"],
)
def test_values_files_must_be_small_files_in_the_tree(
    tmp_path: Path, values: str, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(helm_library, "MAX_OUTPUT", 1000)
    repo = write_tree(tmp_path / "repo", APP_CHART | {"deploy/big.yaml": "# big\n" * 200})
    (tmp_path / "outside.yaml").write_text("port: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        render(repo, HelmRelease(APP, (values,)))
    assert one_line(raised.value) == message


@pytest.mark.usefixtures("bin_dir")
def test_without_helm_or_its_library_the_error_says_how_to_install_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "helm_python", None)  # as if not installed
    with pytest.raises(SourceError) as raised:
        render_chart(tmp_path, HelmRelease(APP), command=None, timeout=10, values_root=tmp_path)
    assert one_line(raised.value) == (
        f"{APP}: cannot render the Helm chart: there is no helm program on PATH and Helm's "
        "library is not installed; install one: pip install 'netpoldiff[helm]' (Helm's "
        "library), or the helm program (https://helm.sh/docs/intro/install/)"
    )


@pytest.mark.usefixtures("library")
def test_a_library_that_cannot_load_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "helm_python"]:
        monkeypatch.delitem(sys.modules, name)
    broken = tmp_path / "libhelm_c.so"
    broken.write_text("not a library", encoding="utf-8")
    monkeypatch.setenv("HELM_C_LIB", str(broken))  # the library's own override
    repo = write_tree(tmp_path, APP_CHART)
    with pytest.raises(SourceError) as raised:
        render(repo, HelmRelease(APP))
    assert str(raised.value).startswith(
        f"{APP}: cannot render the Helm chart: Helm's library cannot be loaded: found the "
        f"helm-c library at {broken} but could not load it: "
    )
    assert "\n" not in str(raised.value)
