"""IAM bindings (GCS bucket and service-account policies) compared member by member.

Bindings are flattened to (role, member, condition) so an added member is one finding, not a
changed list. The legacy convenience members every bucket is created with are not tether's to manage.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tether.drift.model import Difference
from tether.problems import Path

Binding = dict[str, Any]
PUBLIC = frozenset({"allUsers", "allAuthenticatedUsers"})
_CONVENIENCE = ("projectOwner:", "projectEditor:", "projectViewer:")


def flatten(bindings: Iterable[Binding]) -> list[Binding]:
    """One entry per member, in the desired state's shape (``member``, optional ``condition``)."""
    out = []
    for binding in bindings:
        for member in sorted(binding.get("members", [])):
            if binding["role"].startswith("roles/storage.legacy") and member.startswith(_CONVENIENCE):
                continue
            entry: Binding = {"role": binding["role"], "member": member}
            if binding.get("condition"):
                entry["condition"] = binding["condition"]
            out.append(entry)
    return out


def _expression(binding: Binding) -> str | None:
    condition = binding.get("condition")
    return " ".join(str(condition["expression"]).split()) if condition else None


def _path(where: str, binding: Binding) -> str:
    """``iam.bindings[ROLE][MEMBER]``: one grant, so two findings on one role have two paths (a baseline or a
    SARIF result tells them apart)."""
    return f"{where}[{binding['role']}][{binding['member']}]"


def compare(where: str, desired: Iterable[Binding], live: Iterable[Binding], spec_path: Path = ()) -> list[Difference]:
    """Missing grants break the integration; extra ones widen who can read, public ones are critical."""
    left = list(live)
    differences = []
    for want in desired:
        same = [b for b in left if b["role"] == want["role"] and b["member"] == want["member"]]
        exact = [b for b in same if _expression(b) == _expression(want)]
        path = _path(where, want)
        if exact:
            left.remove(exact[0])
        elif same:
            left.remove(same[0])
            wider = same[0].get("condition") is None
            differences.append(
                Difference(
                    path, "changed", want, same[0], "high" if wider else "medium",
                    "the grant's condition was removed: it covers every object" if wider
                    else "the grant's condition was edited", spec_path,
                )
            )
        else:
            differences.append(
                Difference(path, "missing", want, None, "medium", "a grant the platform needs is gone", spec_path)
            )
    for extra in left:
        public = extra["member"] in PUBLIC
        if extra["member"].startswith("deleted:"):
            differences.append(
                Difference(
                    _path(where, extra), "extra", None, extra, "low",
                    f"a grant to a deleted principal ({extra['member']}): it grants nothing; remove it to tidy up",
                )
            )
            continue
        differences.append(
            Difference(
                _path(where, extra), "extra", None, extra, "critical" if public else "high",
                f"public grant: {extra['member']} has {extra['role']}" if public
                else f"an unmanaged grant: {extra['member']} has {extra['role']}",
            )
        )
    return differences
