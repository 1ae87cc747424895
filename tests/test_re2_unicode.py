r"""RE2's Unicode classes in regex_replace / regex_full_match (graphc/ops/re2_unicode.py):
general categories, their negations and classes inside [...]. Expected strings are TF
2.21's outputs on the same inputs."""
import pytest

import graphc as gc

TEXT = ["Héllo, Wörld! 123 ½ Ⅻ ٣ 東京 Σσ ǅ", "a_b-c (d) [e] «f» $5 € 10% ↑"]
CASES = {
    r"\p{Lu}": ["#éllo, #örld! 123 ½ Ⅻ ٣ 東京 #σ ǅ", "a_b-c (d) [e] «f» $5 € 10% ↑"],
    r"\pN": ["Héllo, Wörld! ### # # # 東京 Σσ ǅ", "a_b-c (d) [e] «f» $# € ##% ↑"],
    r"\p{Nd}": ["Héllo, Wörld! ### ½ Ⅻ # 東京 Σσ ǅ", "a_b-c (d) [e] «f» $# € ##% ↑"],
    r"\pP": ["Héllo# Wörld# 123 ½ Ⅻ ٣ 東京 Σσ ǅ", "a#b#c #d# #e# #f# $5 € 10# ↑"],
    r"\p{Ps}|\p{Pe}": ["Héllo, Wörld! 123 ½ Ⅻ ٣ 東京 Σσ ǅ", "a_b-c #d# #e# «f» $5 € 10% ↑"],
    r"\pS": ["Héllo, Wörld! 123 ½ Ⅻ ٣ 東京 Σσ ǅ", "a_b-c (d) [e] «f» #5 # 10% #"],
    r"\p{Lt}": ["Héllo, Wörld! 123 ½ Ⅻ ٣ 東京 Σσ #", "a_b-c (d) [e] «f» $5 € 10% ↑"],
    r"[^\p{L}\p{N}\s]": ["Héllo# Wörld# 123 ½ Ⅻ ٣ 東京 Σσ ǅ", "a#b#c #d# #e# #f# #5 # 10# #"],
    r"\P{N}+": ["#123#½#Ⅻ#٣#", "#5#10#"],
    r"[^\PL]": ["#####, #####! 123 ½ Ⅻ ٣ ## ## #", "#_#-# (#) [#] «#» $5 € 10% ↑"],
}


def test_general_categories_and_their_negations_match_tf():
    s = gc.constant(TEXT)
    outs = [gc.regex_replace(s, p, "#") for p in CASES]
    same = [gc.regex_replace(s, p, "#") for p in (r"\PL", r"\p{^L}", r"[\p{^L}x]")]
    full = gc.strings.regex_full_match(s, r"[\pL\pN\pP\pS\pZ]+")
    with gc.Session() as sess:
        got, same, full = sess.run([outs, same, full])
    for p, g in zip(CASES, got):
        assert [v.decode() for v in g] == CASES[p], p
    assert [v.decode() for v in same[0]] == [v.decode() for v in same[1]] == \
        [v.decode() for v in same[2]]
    assert full.tolist() == [True, True]


def test_script_classes_are_refused_by_name():
    r = gc.regex_replace(gc.constant(["αβ"]), r"\p{Greek}", "#")
    with gc.Session() as sess, pytest.raises(gc.errors.OpError, match=r"\\\\p\{Greek\}.*scripts"):
        sess.run(r)
