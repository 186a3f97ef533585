"""Problems are values: every check returns them, reporters print them."""

from __future__ import annotations

import attrs


@attrs.frozen(order=True)
class Problem:
    """One thing wrong with one file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"

    def as_dict(self) -> dict[str, object]:
        return attrs.asdict(self)

    def as_tuple(self) -> tuple:
        return attrs.astuple(self)


def did_you_mean(word: str, choices) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    import difflib

    import os

    choices = list(choices)
    if len(choices) > 50:  # keep the hint cheap in large trees: the names that begin most alike
        same = [c for c in choices if c[:3] == word[:3]]
        if len(same) > 50:
            same.sort(key=lambda c: len(os.path.commonprefix((c, word))), reverse=True)
        choices = same[:50]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
