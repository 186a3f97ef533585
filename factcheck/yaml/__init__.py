"""The YAML layer of claim files, one job per module.

* :mod:`.roundtrip` -- ruamel.yaml's round trip: comments and positions kept, every
  syntax-level problem with its line and column in plain words. For editing, and for
  describing the problems of the few files that have them.
* :mod:`.fast` -- rapidyaml: fast but lenient; it only answers "this file is plain and
  here is its data" or "ask the strict reader", never that a file is bad.
* :mod:`.strict` -- libyaml's events (in C), values read the YAML 1.2 way, every YAML
  feature a claim file may not use reported where it is.
* :mod:`.positions` -- the line and column of a finding, from whatever the reader has.
* :mod:`.render` -- plain data merged into a round-trip document and written out as text.

The bytes themselves are read and written by :mod:`factcheck.fsio`.
"""
