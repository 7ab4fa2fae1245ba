"""prescan: the text scans beside libyaml's parse (aliases, '!' tags, '?' in flow values)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

_ALIAS_PATTERN = re.compile(r"(?:^|[\s\[{,:?-])\*[^\s,\]}]", re.MULTILINE)


@given(
    st.text(
        alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\u00a0\u2003*ab-[]{},:?'\"&")), max_size=40
    )
)
def test_the_alias_scan_finds_every_place_an_alias_can_start(text: str) -> None:
    # The scan decides whether alias expansion is checked: it may never miss one.
    from netpoldiff.manifests.prescan import may_have_alias

    assert may_have_alias(text) == (_ALIAS_PATTERN.search(text) is not None)
