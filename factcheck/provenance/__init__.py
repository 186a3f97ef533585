"""Provenance: where a claim's record came from and what a change does to it.

The parts, each in its own module (import from them directly):

* :mod:`~factcheck.provenance.git` -- git access: the work tree, files and bytes at a
  commit, the commits of a file. Knows nothing of claims.
* :mod:`~factcheck.provenance.revisions` -- claim files at a revision and in the
  working tree; :func:`~factcheck.provenance.revisions.committed_claim` for undo.
* :mod:`~factcheck.provenance.diff` -- the record diff as data.
* :mod:`~factcheck.provenance.render` -- the record diff as Markdown and JSON.
* :mod:`~factcheck.provenance.base` -- ``validate --base``: the IFCN corrections rule
  against a git revision.
* :mod:`~factcheck.provenance.log` -- ``factcheck log``: a claim's timeline.
* :mod:`~factcheck.provenance.links` -- ``factcheck links``: archive copies and dead links.

Imports run one way: git ← revisions ← diff ← render / base; log and links stand
apart (tests/test_layers.py checks it). Anything that goes wrong is a value (a remark,
a :class:`~factcheck.problems.Problem`) or a
:class:`~factcheck.provenance.git.BaseError` with a plain message, never a traceback.
"""
