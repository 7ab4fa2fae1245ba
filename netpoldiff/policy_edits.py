"""What changed inside a modified policy, field by field, in the words of its manifest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from netpoldiff.changes import ChangeSet
from netpoldiff.model import ObjectRef
from netpoldiff.policies import NetworkPolicy
from netpoldiff.policy_documents import canonical_document, policy_document

_PATH_PART: Final = re.compile(r"\[(?:'([^']*)'|(\d+))\]")


def _path(deepdiff_path: str) -> str:
    """``root['ingress'][0]['from']`` as ``ingress[0].from``."""
    text = ""
    for key, index in _PATH_PART.findall(deepdiff_path.removeprefix("root")):
        text += f"[{index}]" if index else (f".{key}" if text else key)
    return text or "spec"


def compact(value: object) -> str:
    """A value in flow-style YAML: ``{namespaceSelector: {}}``."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {compact(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(compact(v) for v in value) + "]"
    return str(value)


def describe_policy_edits(before: NetworkPolicy, after: NetworkPolicy) -> list[str]:
    """Field-level edits from one version of a policy to the next, in manifest terms."""
    from deepdiff import DeepDiff  # noqa: PLC0415 - only modified policies need it; it loads slowly

    old_doc, new_doc = policy_document(before), policy_document(after)
    if canonical_document(before) == canonical_document(after):
        if not DeepDiff(old_doc, new_doc, ignore_order=True, report_repetition=True):
            return ["rules reordered (same rules)"]
        return ["repeated entries added or removed (same rules)"]
    diff = DeepDiff(old_doc, new_doc, verbose_level=2)
    lines: list[str] = []
    for kind, verb in (
        ("values_changed", "changed"),
        ("type_changes", "changed"),
        ("dictionary_item_added", "added"),
        ("iterable_item_added", "added"),
        ("dictionary_item_removed", "removed"),
        ("iterable_item_removed", "removed"),
    ):
        for path, detail in diff.get(kind, {}).items():
            where = _path(path)
            if verb == "changed":
                lines.append(
                    f"{where}: {compact(detail['old_value'])} -> {compact(detail['new_value'])}"
                )
            else:
                lines.append(f"{where} {verb}: {compact(detail)}")
    return sorted(lines)


def policy_edits(changes: ChangeSet, policy: ObjectRef) -> list[str]:
    """What changed inside a modified policy, field by field (empty if not modified)."""
    before, after = changes.old_policies.get(policy), changes.new_policies.get(policy)
    if before is None or after is None or before == after:
        return []
    return describe_policy_edits(before, after)
