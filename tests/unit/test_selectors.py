"""Label selectors: each operator against each kind of label set, AND semantics, canonical form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netpoldiff.selectors import Labels, LabelSelector, Operator, Requirement

IN, NOT_IN = Operator.IN, Operator.NOT_IN
EXISTS, DOES_NOT_EXIST = Operator.EXISTS, Operator.DOES_NOT_EXIST

# Label sets for the requirement `tier <op> (web, api)`.
MATCHING_VALUE: Labels = {"tier": "web", "app": "shop"}
OTHER_VALUE: Labels = {"tier": "db", "app": "shop"}
KEY_ABSENT: Labels = {"app": "shop"}


@pytest.mark.parametrize(
    ("operator", "labels", "expected"),
    [
        (IN, MATCHING_VALUE, True),
        (IN, OTHER_VALUE, False),
        (IN, KEY_ABSENT, False),
        (NOT_IN, MATCHING_VALUE, False),
        (NOT_IN, OTHER_VALUE, True),
        (NOT_IN, KEY_ABSENT, True),
        (EXISTS, MATCHING_VALUE, True),
        (EXISTS, OTHER_VALUE, True),
        (EXISTS, KEY_ABSENT, False),
        (DOES_NOT_EXIST, MATCHING_VALUE, False),
        (DOES_NOT_EXIST, OTHER_VALUE, False),
        (DOES_NOT_EXIST, KEY_ABSENT, True),
    ],
    ids=[
        "in-value-listed",
        "in-value-not-listed",
        "in-key-absent",
        "notin-value-listed",
        "notin-value-not-listed",
        "notin-key-absent-matches",
        "exists-value-listed",
        "exists-other-value",
        "exists-key-absent",
        "doesnotexist-value-listed",
        "doesnotexist-other-value",
        "doesnotexist-key-absent-matches",
    ],
)
def test_requirement_matches(operator: Operator, labels: Labels, expected: bool) -> None:
    values = ("api", "web") if operator in {IN, NOT_IN} else ()
    requirement = Requirement("tier", operator, values)
    assert requirement.matches(labels) is expected
    assert LabelSelector(expressions=(requirement,)).matches(labels) is expected


@pytest.mark.parametrize(
    ("match_labels", "labels", "expected"),
    [
        ({"tier": "web"}, MATCHING_VALUE, True),
        ({"tier": "web"}, OTHER_VALUE, False),
        ({"tier": "web"}, KEY_ABSENT, False),
        ({"tier": ""}, {"tier": ""}, True),
        ({"tier": ""}, KEY_ABSENT, False),
        ({"tier": "web", "app": "shop"}, MATCHING_VALUE, True),
        ({"tier": "web", "app": "blog"}, MATCHING_VALUE, False),
    ],
    ids=[
        "value-equal",
        "other-value",
        "key-absent",
        "empty-value-equal",
        "empty-value-needs-key",
        "all-pairs-equal",
        "one-pair-differs",
    ],
)
def test_match_labels(match_labels: dict[str, str], labels: Labels, expected: bool) -> None:
    assert LabelSelector.build(match_labels).matches(labels) is expected


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        (
            LabelSelector.build({"app": "shop"}, (Requirement("tier", IN, ("web",)),)),
            MATCHING_VALUE,
            True,
        ),
        (
            LabelSelector.build({"app": "shop"}, (Requirement("tier", IN, ("web",)),)),
            OTHER_VALUE,
            False,
        ),
        (
            LabelSelector.build({"app": "blog"}, (Requirement("tier", IN, ("web",)),)),
            MATCHING_VALUE,
            False,
        ),
        (
            LabelSelector.build(
                {}, (Requirement("tier", EXISTS), Requirement("tier", NOT_IN, ("db",)))
            ),
            OTHER_VALUE,
            False,
        ),
        (
            LabelSelector.build(
                {}, (Requirement("tier", EXISTS), Requirement("tier", NOT_IN, ("db",)))
            ),
            MATCHING_VALUE,
            True,
        ),
        (
            LabelSelector.build(
                {}, (Requirement("tier", EXISTS), Requirement("tier", DOES_NOT_EXIST))
            ),
            KEY_ABSENT,
            False,
        ),
    ],
    ids=[
        "labels-and-expression-both-hold",
        "expression-fails",
        "labels-fail",
        "two-expressions-one-fails",
        "two-expressions-both-hold",
        "contradiction-matches-nothing",
    ],
)
def test_selector_is_the_and_of_its_parts(
    selector: LabelSelector, labels: Labels, expected: bool
) -> None:
    assert selector.matches(labels) is expected


@pytest.mark.parametrize(
    "labels",
    [{}, KEY_ABSENT, MATCHING_VALUE, {"": ""}],
    ids=["no-labels", "one-label", "two-labels", "empty-key"],
)
def test_empty_selector_matches_everything(labels: Labels) -> None:
    for selector in (LabelSelector(), LabelSelector.build({})):
        assert selector.is_empty()
        assert selector.matches(labels)


@pytest.mark.parametrize(
    "selector",
    [
        LabelSelector.build({"a": "b"}),
        LabelSelector.build({}, (Requirement("a", EXISTS),)),
        LabelSelector.build({}, (Requirement("a", DOES_NOT_EXIST),)),
    ],
    ids=["match-labels", "exists", "does-not-exist"],
)
def test_selector_with_any_part_is_not_empty(selector: LabelSelector) -> None:
    assert not selector.is_empty()


def test_build_is_insensitive_to_order_and_duplicates() -> None:
    exists = Requirement("zone", EXISTS)
    not_in = Requirement("env", NOT_IN, ("dev", "test"))
    a = LabelSelector.build({"tier": "web", "app": "shop"}, (exists, not_in))
    b = LabelSelector.build({"app": "shop", "tier": "web"}, (not_in, exists, not_in))
    assert a == b
    assert hash(a) == hash(b)
    assert a.match_labels == (("app", "shop"), ("tier", "web"))
    assert a.expressions == (not_in, exists)


@pytest.mark.parametrize(
    ("selector", "text"),
    [
        (LabelSelector(), "{}"),
        (LabelSelector.build({"app": "shop"}), "app=shop"),
        (LabelSelector.build({"tier": "web", "app": "shop"}), "app=shop,tier=web"),
        (LabelSelector.build({}, (Requirement("tier", IN, ("api", "web")),)), "tier in (api,web)"),
        (LabelSelector.build({}, (Requirement("env", NOT_IN, ("prod",)),)), "env notin (prod)"),
        (LabelSelector.build({}, (Requirement("zone", EXISTS),)), "zone"),
        (LabelSelector.build({}, (Requirement("zone", DOES_NOT_EXIST),)), "!zone"),
        (
            LabelSelector.build(
                {"app": "shop"},
                (Requirement("zone", DOES_NOT_EXIST), Requirement("env", NOT_IN, ("prod",))),
            ),
            "app=shop,env notin (prod),!zone",
        ),
    ],
    ids=[
        "empty",
        "one-label",
        "labels-sorted",
        "in",
        "notin",
        "exists",
        "does-not-exist",
        "labels-then-sorted-expressions",
    ],
)
def test_str_uses_kubectl_syntax(selector: LabelSelector, text: str) -> None:
    assert str(selector) == text


# --- properties ---------------------------------------------------------------------------

KEYS = ["app", "tier", "env"]
VALUES = ["a", "b", "c"]

label_sets: st.SearchStrategy[dict[str, str]] = st.dictionaries(
    st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=len(KEYS)
)
value_tuples: st.SearchStrategy[tuple[str, ...]] = st.lists(
    st.sampled_from(VALUES), min_size=1, max_size=3, unique=True
).map(lambda values: tuple(sorted(values)))
requirements: st.SearchStrategy[Requirement] = st.builds(
    Requirement, st.sampled_from(KEYS), st.sampled_from([IN, NOT_IN]), value_tuples
) | st.builds(Requirement, st.sampled_from(KEYS), st.sampled_from([EXISTS, DOES_NOT_EXIST]))
selectors: st.SearchStrategy[LabelSelector] = st.builds(
    LabelSelector.build, label_sets, st.lists(requirements, max_size=3).map(tuple)
)


@given(key=st.sampled_from(KEYS), values=value_tuples, labels=label_sets)
def test_not_in_is_the_negation_of_in(key: str, values: tuple[str, ...], labels: Labels) -> None:
    assert Requirement(key, NOT_IN, values).matches(labels) is not (
        Requirement(key, IN, values).matches(labels)
    )


@given(key=st.sampled_from(KEYS), labels=label_sets)
def test_does_not_exist_is_the_negation_of_exists(key: str, labels: Labels) -> None:
    assert Requirement(key, DOES_NOT_EXIST).matches(labels) is not (
        Requirement(key, EXISTS).matches(labels)
    )


@given(match_labels=label_sets, labels=label_sets)
def test_match_labels_mean_single_value_in_requirements(
    match_labels: dict[str, str], labels: Labels
) -> None:
    as_expressions = tuple(Requirement(k, IN, (v,)) for k, v in match_labels.items())
    assert LabelSelector.build(match_labels).matches(labels) is LabelSelector.build(
        {}, as_expressions
    ).matches(labels)


@given(selector=selectors, labels=label_sets)
def test_selector_matches_iff_every_part_matches(selector: LabelSelector, labels: Labels) -> None:
    parts = [LabelSelector.build({k: v}) for k, v in selector.match_labels]
    parts.extend(LabelSelector(expressions=(r,)) for r in selector.expressions)
    assert selector.matches(labels) is all(part.matches(labels) for part in parts)


@given(selector=selectors, labels=label_sets)
def test_build_ignores_order(selector: LabelSelector, labels: Labels) -> None:
    shuffled = LabelSelector.build(
        dict(reversed(selector.match_labels)), tuple(reversed(selector.expressions))
    )
    assert shuffled == selector
    assert shuffled.matches(labels) is selector.matches(labels)
    assert str(shuffled) == str(selector)
