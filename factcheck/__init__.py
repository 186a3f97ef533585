"""factcheck: claim fact-checking and provenance tracking in plain YAML files."""

__version__ = "0.1.0"
