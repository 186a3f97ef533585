"""The matcher's words: :mod:`factcheck.terms` (in the core, so that ``validate``'s
near-duplicate rule counts words as ``factcheck match`` does)."""

from factcheck.terms import MAX_WORD, STOP_WORDS, clean, terms

__all__ = ["MAX_WORD", "STOP_WORDS", "clean", "terms"]
