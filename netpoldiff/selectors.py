"""Label selectors (matchLabels and matchExpressions) and whether a label set matches one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from netpoldiff.records import pickled_by_fields

Labels = Mapping[str, str]


class Operator(StrEnum):
    """The set-based operators of a LabelSelectorRequirement."""

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


@pickled_by_fields
@dataclass(frozen=True, slots=True, order=True)
class Requirement:
    """One matchExpressions entry; ``values`` is sorted and empty for Exists/DoesNotExist."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def matches(self, labels: Labels) -> bool:
        """Whether a label set satisfies this requirement."""
        # "NotIn and DoesNotExist ... match objects that do not have the key" (the API's
        # LabelSelectorRequirement semantics, as implemented by labels.Requirement.Matches).
        match self.operator:
            case Operator.IN:
                return labels.get(self.key) in self.values
            case Operator.NOT_IN:
                return labels.get(self.key) not in self.values
            case Operator.EXISTS:
                return self.key in labels
            case Operator.DOES_NOT_EXIST:
                return self.key not in labels

    def __str__(self) -> str:
        match self.operator:
            case Operator.IN:
                return f"{self.key} in ({','.join(self.values)})"
            case Operator.NOT_IN:
                return f"{self.key} notin ({','.join(self.values)})"
            case Operator.EXISTS:
                return self.key
            case Operator.DOES_NOT_EXIST:
                return f"!{self.key}"


SelectorFields = tuple[tuple[tuple[str, str], ...], tuple["Requirement", ...]]
"""A label selector's fields, as ``LabelSelector.fields_key`` gives them."""


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class LabelSelector:
    """A label selector: the AND of its matchLabels pairs and its requirements.

    "An empty label selector matches all objects." A *missing* selector is ``None`` where it
    is used, because its meaning depends on the field (see ``model.PodPeer``).
    """

    match_labels: tuple[tuple[str, str], ...] = ()
    expressions: tuple[Requirement, ...] = ()

    @classmethod
    def build(
        cls, match_labels: Mapping[str, str], expressions: tuple[Requirement, ...] = ()
    ) -> LabelSelector:
        """A selector in canonical form: pairs and requirements sorted, duplicates dropped."""
        canonical = {
            Requirement(r.key, r.operator, tuple(sorted(set(r.values)))) for r in expressions
        }
        return cls(tuple(sorted(match_labels.items())), tuple(sorted(canonical)))

    def fields_key(self) -> SelectorFields:
        """The selector as a plain tuple of its fields: equal iff the selectors are.

        A tuple of strings hashes in C; the data class's hash runs Python code, which counts
        where thousands of selectors are grouped.
        """
        return (self.match_labels, self.expressions)

    def is_empty(self) -> bool:
        """Whether this selector matches everything."""
        return not self.match_labels and not self.expressions

    def matches(self, labels: Labels) -> bool:
        """Whether a label set is selected."""
        return all(labels.get(key) == value for key, value in self.match_labels) and all(
            requirement.matches(labels) for requirement in self.expressions
        )

    def __str__(self) -> str:
        """The selector in kubectl's syntax; ``{}`` for the empty selector."""
        parts = [f"{key}={value}" for key, value in self.match_labels]
        parts.extend(str(requirement) for requirement in self.expressions)
        return ",".join(parts) if parts else "{}"
