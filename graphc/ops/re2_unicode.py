r"""RE2's Unicode classes for graphc's regex ops (on Python's re, which has none):
\pL, \p{Lu}, \p{^N}, \PN and \P{Greek}-style names. General categories (one letter: L M N
P S Z C; two letters: Lu Nd Po ...) and Any are built from unicodedata, as ranges of code
points, once per process (about half a second, on the first pattern that uses one). As
RE2's tables, C is Cc Cf Co Cs (unassigned code points are in no class). Scripts (\p{Greek},
\p{Han}) need Unicode's script table, which Python's unicodedata lacks: refused by name."""
import functools
import itertools
import sys
import unicodedata

_GROUPS = {"L": "u l t m o", "M": "n c e", "N": "d l o", "P": "c d s e i f o",
           "S": "m c k o", "Z": "s l p", "C": "c f o s"}
NAMES = set(_GROUPS) | {g + s for g, subs in _GROUPS.items() for s in subs.split()}


@functools.lru_cache(maxsize=None)
def _runs():
    """[(category, first code point, last code point)] over all of Unicode."""
    out, cp = [], 0
    cats = (unicodedata.category(chr(c)) for c in range(sys.maxunicode + 1))
    for cat, run in itertools.groupby(cats):
        n = sum(1 for _ in run)
        out.append((cat, cp, cp + n - 1))
        cp += n
    return out


@functools.lru_cache(maxsize=None)
def _ranges(name):
    """The merged (first, last) code-point ranges of class `name`."""
    if name == "Any":
        return ((0, sys.maxunicode),)
    out = []
    for cat, lo, hi in _runs():
        if cat == name or len(name) == 1 and cat[0] == name and cat != "Cn":
            if out and out[-1][1] == lo - 1:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((lo, hi))
    return tuple(out)


def _complement(ranges):
    out, nxt = [], 0
    for lo, hi in ranges:
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= sys.maxunicode:
        out.append((nxt, sys.maxunicode))
    return out


def _body(ranges):
    return "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}"
                   for lo, hi in ranges)


def unicode_class(src, i):
    r"""The RE2 class \p.. / \P.. at src[i]: (Python class body, index after it). The body
    goes inside [...] (a class of RE2 or one made for it)."""
    positive = src[i + 1] == "p"
    if src[i + 2:i + 3] == "{":
        end = src.find("}", i + 3)
        if end < 0:
            raise ValueError(f"regex: missing '}}' in the Unicode class {src[i:i + 12]!r}")
        name, after = src[i + 3:end], end + 1
        if name.startswith("^"):
            positive, name = not positive, name[1:]
    else:
        name, after = src[i + 2:i + 3], i + 3
    if name not in NAMES and name != "Any":
        raise ValueError(
            f"regex: the Unicode class {src[i:after]!r} is not supported by graphc: it "
            "takes Unicode's general categories (\\pL, \\p{Lu}, \\p{N}, \\p{P}, ...) and "
            "Any; scripts such as \\p{Greek} or \\p{Han} need a script table Python lacks")
    ranges = _ranges(name)
    return _body(ranges if positive else _complement(ranges)), after
