"""An engine that evaluated other states first answers as a fresh engine: every reuse is exact.

An engine evaluates each cluster starting from the one it evaluated last: it updates the
selection at the changed workloads, recompiles only the policies that read an answer that
changed, redoes the tiers where the changed policies select or grant, and looks up again only
the columns whose keys changed. Each history here is a random cluster (with admin policies)
and a few states, each made by random edits of every kind from the one before; every state is
evaluated by the one engine, in order and then back to the first, and by a fresh engine.

The second half breaks each reuse on purpose and shows that the comparison catches it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netpoldiff.admin_policies import (
    AdminPolicy,
)
from netpoldiff.cluster import Cluster
from netpoldiff.evaluate import engine as engine_module
from netpoldiff.evaluate.answers import ChangedAnswers, Query
from netpoldiff.evaluate.engine import Engine
from netpoldiff.evaluate.selection import Selection
from netpoldiff.evaluate.states import State
from netpoldiff.evaluate.universe import Universe
from netpoldiff.matrix import Matrix
from netpoldiff.model import WORKLOAD_KINDS, Namespace, ObjectRef, Workload, label_pairs
from netpoldiff.policies import NetworkPolicy
from netpoldiff.selectors import LabelSelector, Operator, Requirement
from tests.semantics.admin_strategies import admin_clusters, admin_edited, admin_policies
from tests.semantics.oracle import oracle_matrix
from tests.semantics.test_diff_properties import EDITS, edited
from tests.semantics.test_oracle_equivalence import (
    clusters,
    container_ports,
    flows,
    namespace_labels,
    pod_labels,
    policies_named,
    port_key,
)
from tests.testing.builders import (
    TCP,
    admin,
    admin_rule,
    cluster,
    in_namespaces,
    named,
    namespace,
    pods,
    policy,
    port,
    rule,
    workload,
)

EXAMPLES = settings(max_examples=150, deadline=None)

# --- strategies ------------------------------------------------------------------------------

STATE_EDITS: Final = (*EDITS, "admin", "add-namespace")


@st.composite
def next_state(draw: st.DrawFn, state: Cluster, step: int) -> Cluster:
    """``state`` after random edits: workloads, namespaces, policies or admin policies."""
    edit = draw(st.sampled_from(STATE_EDITS))
    names = [namespace.name for namespace in state.namespaces]
    if edit == "add-policy":  # named for this step: manifests cannot define one twice
        policy = draw(policies_named(f"step{step}", names))
        return dataclasses.replace(state, policies=(*state.policies, policy))
    if edit == "add-workload":
        workload = Workload(
            draw(st.sampled_from(names)),
            draw(st.sampled_from(WORKLOAD_KINDS)),
            f"step{step}",
            label_pairs(draw(pod_labels)),
        )
        return dataclasses.replace(state, workloads=(*state.workloads, workload))
    if edit in EDITS:
        changed = draw(edited(state, (edit,)))
        return dataclasses.replace(changed, admin_policies=state.admin_policies)
    if edit == "admin":
        admins = draw(admin_edited(state.admin_policies))
        # Named for this step where added, so that no name is used twice.
        admins = tuple(
            dataclasses.replace(p, ref=ObjectRef(p.ref.kind, None, f"{p.ref.name}-{step}"))
            if p.ref.name.startswith("added")
            else p
            for p in admins
        )
        return dataclasses.replace(state, admin_policies=admins)
    labels = {**draw(namespace_labels), "kubernetes.io/metadata.name": f"new{step}"}
    added = Namespace(f"new{step}", label_pairs(labels))
    return dataclasses.replace(state, namespaces=(*state.namespaces, added))


@st.composite
def histories(draw: st.DrawFn) -> list[Cluster]:
    """A random cluster with admin policies, and two to four states, each an edit of the last."""
    states = [draw(admin_clusters() | clusters())]
    for step in range(draw(st.integers(min_value=1, max_value=3))):
        states.append(draw(next_state(states[-1], step)))
    return states


@dataclass(frozen=True)
class Change:
    """One edit of a cluster, made by name: any set of changes applies in any combination."""

    kind: str
    name: str
    value: Any = None

    def apply(self, state: Cluster) -> Cluster:
        workloads, policies = state.workloads, state.policies
        namespaces, admins = state.namespaces, state.admin_policies
        match self.kind:
            case "labels" | "ports":
                field = "labels" if self.kind == "labels" else "ports"
                workloads = tuple(
                    dataclasses.replace(w, **{field: self.value}) if w.name == self.name else w
                    for w in workloads
                )
            case "add-workload" | "remove-workload":
                workloads = tuple(w for w in workloads if w.name != self.name)
                workloads += (self.value,) if self.value is not None else ()
            case "namespace":
                namespaces = tuple(n for n in namespaces if n.name != self.name)
                namespaces += (self.value,) if self.value is not None else ()
            case "policy":
                policies = tuple(p for p in policies if p.ref.name != self.name)
                policies += (self.value,) if self.value is not None else ()
            case _:
                admins = tuple(p for p in admins if p.ref.name != self.name)
                admins += (self.value,) if self.value is not None else ()
        return Cluster(namespaces, workloads, policies, admin_policies=admins)


WORKLOAD_CHANGES: Final = ("labels", "ports", "workload", "namespace")
POLICY_CHANGES: Final = ("policy", "admin")
ALL_CHANGES: Final = WORKLOAD_CHANGES + POLICY_CHANGES


@st.composite
def changes(draw: st.DrawFn, base: Cluster, index: int, kinds: Sequence[str]) -> Change:
    """A change of ``base``: of a workload, a namespace, a policy or an admin policy."""
    names = [n.name for n in base.namespaces]
    workload = st.sampled_from([w.name for w in base.workloads])
    policy = st.sampled_from([p.ref.name for p in base.policies] + [f"c{index}"])
    admin = st.sampled_from([p.ref.name for p in base.admin_policies] + [f"c{index}"])
    kind = draw(st.sampled_from(kinds))
    value: Any = None
    match kind:
        case "labels":
            name, value = draw(workload), label_pairs(draw(pod_labels))
        case "ports":
            ports = set(draw(st.lists(container_ports, max_size=3)))
            name, value = draw(workload), tuple(sorted(ports, key=port_key))
        case "workload" if draw(st.booleans()):
            kind, name = "remove-workload", draw(workload)
        case "workload":
            kind, name = "add-workload", f"c{index}"
            value = Workload(
                draw(st.sampled_from(names)),
                draw(st.sampled_from(WORKLOAD_KINDS)),
                name,
                label_pairs(draw(pod_labels)),
            )
        case "namespace":
            name = draw(st.sampled_from([*names, f"c{index}"]))
            labels = {**draw(namespace_labels), "kubernetes.io/metadata.name": name}
            value = Namespace(name, label_pairs(labels))
        case "policy":
            name = draw(policy)
            value = draw(st.none() | policies_named(name, names))
        case _:
            name = draw(admin)
            value = draw(st.none() | admin_policies(name))
    return Change(kind, name, value)


@st.composite
def combinations(draw: st.DrawFn) -> list[Cluster]:
    """A cluster and a few changes of it, and states that apply some of them, in any order.

    As a migration plan meets its states: a change made, undone and made again, another
    made in between.
    """
    base = draw(admin_clusters() | clusters())  # the latter: more NetworkPolicies
    # Of the workloads first, then of the policies (each combination below meets a policy
    # first read before and after a workload change), then of anything.
    found = [
        draw(changes(base, 0, WORKLOAD_CHANGES)),
        draw(changes(base, 1, POLICY_CHANGES)),
        *[draw(changes(base, 2, ALL_CHANGES)) for _ in range(draw(st.integers(0, 1)))],
    ]
    every = range(2 ** len(found))
    states = []
    # Every combination counted up (made, undone, made again with another), then in any order.
    for applied in [*every, *draw(st.permutations(every))]:
        state = base
        for index, change in enumerate(found):
            if (applied >> index) & 1:
                state = change.apply(state)
        states.append(state)
    return states


# --- comparison ------------------------------------------------------------------------------


def decisions(matrix: Matrix) -> tuple[object, ...]:
    """Everything a matrix says, compiled policies by value: flows, deciders, rules' masks."""
    size = len(matrix.endpoints)
    return (
        matrix,  # endpoints, what is present, and every column
        [matrix.ingress_refs(i) for i in range(size)],
        [matrix.egress_refs(i) for i in range(size)],
        [(p.ref, p.subjects, p.ingress, p.egress) for p in matrix.policies],
        [
            (
                p.ref,
                p.order,
                p.subjects,
                [(r.index, r.action, r.subjects, r.peers, r.ports, r.peer_masks) for r in rules],
            )
            for p in matrix.admin_policies
            for rules in (p.ingress, p.egress)
        ],
    )


def mismatches(states: Sequence[Cluster]) -> list[int]:
    """The states (by index, the first met again last) where the engine and a fresh one differ.

    The flows are also checked against the naive oracle, which shares nothing with any engine.
    """
    engine = Engine(Universe.of(states))
    found = []
    for index, state in enumerate([*states, states[0]]):
        matrix = engine.evaluate(state)
        if decisions(matrix) != decisions(Engine(engine.universe).evaluate(state)) or flows(
            matrix
        ) != oracle_matrix(state, matrix.present_endpoints()):
            found.append(index)
    return found


@EXAMPLES
@given(histories())
def test_an_engine_that_evaluated_other_states_answers_as_a_fresh_one(
    states: list[Cluster],
) -> None:
    assert mismatches(states) == []


@EXAMPLES
@given(combinations())
def test_states_that_make_undo_and_redo_changes_answer_as_a_fresh_engine(
    states: list[Cluster],
) -> None:
    assert mismatches(states) == []


@EXAMPLES
@given(histories())
def test_the_states_met_in_reverse_order_answer_as_a_fresh_engine_too(
    states: list[Cluster],
) -> None:
    assert mismatches(states[::-1]) == []


# --- each reuse, broken on purpose -----------------------------------------------------------

BASE: Final = cluster(
    namespace("a", team="a"),
    namespace("b", team="b"),
    workload("a/web", {"app": "web"}, (named("http", 8080),)),
    workload("a/api", {"app": "api"}),
    workload("b/db", {"app": "db"}, (named("sql", 5432),)),
    policy(
        "a/web-in",
        {"app": "web"},
        ingress=(rule(pods({"app": "api"}), ports=(port(TCP, "http"),)),),
    ),
    policy("a/api-in", {"app": "api"}, ingress=(rule(pods({"app": "web"})),)),
    policy(
        "b/db-in", {}, ingress=(rule(pods(namespaces={"team": "a"}), ports=(port(TCP, "sql"),)),)
    ),
)


def with_objects(state: Cluster, *objects: Workload | NetworkPolicy | AdminPolicy) -> Cluster:
    """``state`` with more objects (a policy of the same name replaces the old one)."""
    names = {o.ref for o in objects if isinstance(o, NetworkPolicy)}
    kept = [p for p in state.policies if p.ref not in names]
    return cluster(*state.namespaces, *state.workloads, *kept, *state.admin_policies, *objects)


def relabel(state: Cluster, name: str, **labels: str) -> Cluster:
    """``state`` with workload ``name`` relabelled."""
    workloads = tuple(
        dataclasses.replace(w, labels=label_pairs(labels)) if w.name == name else w
        for w in state.workloads
    )
    return dataclasses.replace(state, workloads=workloads)


RELABELLED: Final = relabel(BASE, "web", app="web2")
TIER_SELECTED: Final = with_objects(
    relabel(BASE, "web", app="web", tier="front"),
    policy("a/front-in", {"tier": "front"}, ingress=()),
)
TIER_EXISTS: Final = with_objects(
    relabel(BASE, "web", app="web", tier="front"),
    dataclasses.replace(
        policy("a/any-tier", ingress=()),
        pod_selector=LabelSelector.build({}, (Requirement("tier", Operator.EXISTS),)),
    ),
)
ISOLATING: Final = with_objects(BASE, policy("a/all-in", ingress=()))
ADDED: Final = with_objects(ISOLATING, workload("a/extra", {"app": "extra"}))
RENAMED_PORT: Final = dataclasses.replace(
    BASE,
    workloads=tuple(
        dataclasses.replace(w, ports=(named("web", 8080),)) if w.name == "web" else w
        for w in BASE.workloads
    ),
)
NAMESPACE_RELABELLED: Final = dataclasses.replace(
    BASE, namespaces=(namespace("a", team="c"), *BASE.namespaces[1:])
)
WIDENED: Final = with_objects(BASE, policy("a/api-in", {"app": "api"}, ingress=(rule(pods()),)))
EGRESS: Final = with_objects(
    BASE, policy("a/web-out", {"app": "web"}, egress=(rule(pods({"app": "api"})),))
)
ADMIN: Final = with_objects(
    BASE,
    admin("deny-b", 1, in_namespaces(team="b"), ingress=(admin_rule("deny", in_namespaces()),)),
)
# Read a changed answer, compiled first over the state before the change, after it was met.
LATE: Final = policy("a/late", {"app": "web"}, ingress=())

Breakage = Callable[[pytest.MonkeyPatch], None]


def stale_selection(attribute: str) -> Breakage:
    """An updated selection that keeps one of its base's masks or answers as they were."""

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        original = Selection.updated

        def updated(self: Selection, *args: Any) -> tuple[Selection, ChangedAnswers]:
            new, changed = original(self, *args)
            setattr(new, attribute, getattr(self, attribute))
            return new, changed

        monkeypatch.setattr(Selection, "updated", updated)

    return apply


def shared_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Selections built from scratch that keep their answers in one place, as a mutable
    default argument would: the fresh engine then shares the other's mistakes."""
    shared: tuple[dict[LabelSelector, int], dict[LabelSelector, int]] = ({}, {})
    original = Selection.of

    def of(cluster: Cluster, number: Any) -> Selection:
        selection = original(cluster, number)
        selection._pods, selection._namespaces = shared
        return selection

    monkeypatch.setattr(Selection, "of", of)


def nothing_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    """No answer is reported as changed: every compiled policy is kept."""
    monkeypatch.setattr(ChangedAnswers, "touches", lambda _self, _query: False)


def scope_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pods read within one namespace are taken as never changed."""
    original = ChangedAnswers.touches

    def touches(self: ChangedAnswers, query: Query) -> bool:
        return not isinstance(query[2], str) and original(self, query)

    monkeypatch.setattr(ChangedAnswers, "touches", touches)


def late_readers_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A policy compiled after a state was derived is never counted among those it affects."""

    def read(self: Engine, ref: ObjectRef, queries: Iterable[Query]) -> None:
        for query in set(queries):
            self._readers.setdefault(query, set()).add(ref)

    monkeypatch.setattr(Engine, "_read", read)


def kept(name: str) -> Breakage:
    """The last evaluation's tier (of ``engine.name``) kept as it was."""

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(engine_module, name, lambda tier, *_args: (tier, 0))

    return apply


def admin_tiers_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The last evaluation's admin tiers kept whatever the admin policies."""
    original = Engine._admin_tiers

    def tiers(self: Engine, admin: Any) -> Any:
        last = self._last
        return original(self, admin) if last is None else last.admin

    monkeypatch.setattr(Engine, "_admin_tiers", tiers)


def columns_kept(where: str) -> Breakage:
    """Columns of the last evaluation kept where the tiers' keys (or the workloads) changed."""

    def apply(monkeypatch: pytest.MonkeyPatch) -> None:
        original = Engine._redo

        def redo(self: Engine, state: State, context: Any, changed: int | None) -> int | None:
            if where == "workloads":
                return None if original(self, state, context, changed) is None else changed
            return original(self, state, context, None if changed is None else 0)

        monkeypatch.setattr(Engine, "_redo", redo)

    return apply


def port_maps_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A derived state that keeps its base's named ports."""
    original = State.derived

    def derived(self: State, *args: Any) -> State | None:
        state = original(self, *args)
        if state is not None:
            state.port_maps = self.port_maps
        return state

    monkeypatch.setattr(State, "derived", derived)


BREAKAGES: Final = [
    ("label pairs", stale_selection("by_pair"), [BASE, TIER_SELECTED]),
    ("label keys", stale_selection("by_key"), [BASE, TIER_EXISTS]),
    ("namespace members", stale_selection("by_namespace"), [ISOLATING, ADDED]),
    ("every workload", stale_selection("all_workloads"), [BASE, ADDED]),
    ("pod answers", stale_selection("_pods"), [BASE, RELABELLED]),
    ("namespace answers", stale_selection("_namespaces"), [BASE, NAMESPACE_RELABELLED]),
    ("answers shared by selections", shared_answers, [BASE, RELABELLED]),
    ("changed answers", nothing_changed, [BASE, RELABELLED]),
    ("answers within a namespace", scope_ignored, [BASE, RELABELLED]),
    (
        "readers met late",
        late_readers_ignored,
        [BASE, RELABELLED, with_objects(BASE, LATE), with_objects(RELABELLED, LATE)],
    ),
    ("ingress tier", kept("updated_ingress"), [BASE, WIDENED]),
    ("egress tier", kept("updated_egress"), [BASE, EGRESS]),
    ("admin tiers", admin_tiers_kept, [BASE, ADMIN]),
    ("columns of changed keys", columns_kept("tiers"), [BASE, WIDENED]),
    ("columns of changed workloads", columns_kept("workloads"), [BASE, RENAMED_PORT]),
    ("named ports", port_maps_kept, [BASE, RENAMED_PORT]),
]


@pytest.mark.parametrize(
    ("breakage", "states"),
    [pytest.param(breakage, states, id=name) for name, breakage, states in BREAKAGES],
)
def test_each_reuse_broken_on_purpose_is_caught(
    breakage: Breakage, states: list[Cluster], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert mismatches(states) == []
    breakage(monkeypatch)
    assert mismatches(states) != []
