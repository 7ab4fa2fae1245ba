"""Documents that probe how a reader resolves scalars, keys, tags and merge keys.

Each generated file holds one ConfigMap whose ``data`` is the probe: kubectl reads any JSON
value there, and a ConfigMap is no kind netpoldiff models, so only the reading is compared.
"""

from __future__ import annotations

from hypothesis import strategies as st

# Every word go-yaml's resolve table knows, and near misses.
WORDS = (
    *("y", "Y", "yes", "Yes", "YES", "yEs", "n", "N", "no", "No", "NO", "on", "On", "ON", "oN"),
    *("off", "Off", "OFF", "true", "True", "TRUE", "tRue", "false", "False", "FALSE", "~"),
    *("null", "Null", "NULL", "nULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf"),
    *("-.inf", "-.Inf", ".infinity", "nan", "inf", "Infinity", "NaN", "<<", "=", "-", "+", "."),
    *("..", "...", "0x", "0o", "0b"),
)
TAGS = ("!!int", "!!float", "!!str", "!!bool", "!!null", "!", "!local", "!!map", "!!seq")


def _numbers() -> st.SearchStrategy[str]:
    """Number-like text: signs, base prefixes, underscores, fractions and exponents."""
    sign = st.sampled_from(["", "", "+", "-"])
    prefix = st.sampled_from(["", "", "", "0", "0x", "0X", "0o", "0O", "0b", "0B"])
    digits = st.text("0123456789abcdefABCDEF_", min_size=1, max_size=22)
    fraction = st.sampled_from(["", "", ".", ".5", ".25", ".0", "._5"])
    exponent = st.sampled_from(["", "", "e3", "E+2", "e-7", "e400", "e-400", "e21", "e20"])
    return st.builds(lambda *parts: "".join(parts), sign, prefix, digits, fraction, exponent)


def _dates() -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2001-13-45",
            "1:20",
            "190:20:30.15",
            "22:22",
            "-1:30",
        ]
    )


def _words() -> st.SearchStrategy[str]:
    return st.text(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/", min_size=1, max_size=8
    )


def plain_texts() -> st.SearchStrategy[str]:
    """Text written as a plain scalar."""
    return st.one_of(st.sampled_from(WORDS), _numbers(), _dates(), _words())


def scalars() -> st.SearchStrategy[str]:
    """A scalar as written: plain, quoted, or tagged."""
    text = plain_texts()
    return st.one_of(
        text,
        text,
        text.map(lambda t: "'" + t.replace("'", "''") + "'"),
        text.map(lambda t: '"' + t + '"'),
        st.builds(lambda tag, t: f"{tag} {t}", st.sampled_from(TAGS), text),
    )


def _values_probe() -> st.SearchStrategy[str]:
    """``data:`` of generated values under keys that cannot collide."""
    values = st.lists(scalars(), min_size=1, max_size=8)
    return values.map(
        lambda items: "data:\n" + "".join(f"  k{i}: {v}\n" for i, v in enumerate(items))
    )


def _keys_probe() -> st.SearchStrategy[str]:
    """``data:`` of generated keys (two may make the same key: netpoldiff refuses those)."""
    keys = st.lists(scalars(), min_size=1, max_size=4)
    return keys.map(
        lambda items: "data:\n" + "".join(f"  {k}: v{i}\n" for i, k in enumerate(items))
    )


_MERGE_ENTRIES = (
    "<<: *one",
    "<<: *two",
    "<<: [*one, *two]",
    "<<: [*two, *one]",
    "<<: {a: inline, d: inline}",
    "a: own",
    "b: own",
    "c: own",
    "! <<: *one",
    "!!merge <<: *two",
    '"<<": quoted',
    "<<: [*one, {c: inline}]",
)


def _merge_mapping() -> st.SearchStrategy[str]:
    """Anchored mappings merged in every order, next to keys written in the same mapping."""
    entries = st.lists(st.sampled_from(_MERGE_ENTRIES), min_size=1, max_size=6)
    return entries.map(
        lambda chosen: (
            "defs:\n  - &one {a: one, b: one}\n  - &two {b: two, c: two, <<: {d: two}}\n"
            "data:\n" + "".join(f"  {entry}\n" for entry in chosen)
        )
    )


def probe_bodies() -> st.SearchStrategy[str]:
    """The part of a ConfigMap after its metadata: a probe of scalars and keys, or of merges."""
    return st.one_of(_values_probe(), _keys_probe(), _merge_mapping())


def configmap(name: str, body: str) -> str:
    """A ConfigMap named ``name`` (kubectl's output is matched to files by it)."""
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n{body}"
