"""Words for text similarity: lower-cased, stopwords dropped, lightly stemmed. Pure."""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just like make many may me more most much must my no nor not now of off on
    once only or other our ours out over own per same she should so some such than that the
    their theirs them then there these they this those through to too under until up upon
    us very via was we were what when where which while who whom why will with within
    without would you your yours one two three new use using used get help helps helping
    want wants need needs way ways across around every each""".split()
)
_WORD = re.compile(r"[a-z][a-z0-9]*")


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet "sensors"/"sensor", "befriending"/"befriend"."""
    for suffix, replacement, min_stem in (
        ("ies", "y", 3),
        ("sses", "ss", 3),
        ("ings", "", 4),
        ("ing", "", 4),
        ("ed", "", 4),
        ("s", "", 3),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: -len(suffix)] + replacement
    return word


def words(text: str) -> list[tuple[str, str]]:
    """(stem, surface form) of the meaningful words of ``text``."""
    found = []
    for word in _WORD.findall(text.lower()):
        if len(word) >= 3 and word not in STOPWORDS:
            found.append((stem(word), word))
    return found


def terms(text: str) -> list[str]:
    return [term for term, _ in words(text)]
