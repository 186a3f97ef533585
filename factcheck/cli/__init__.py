"""The command line: ``factcheck.cli:run`` is the ``factcheck`` script.

:mod:`.main` wires the commands; :mod:`.errors` holds ``UsageError`` and the exit codes;
:mod:`.args` the argument types; one module per group of commands (:mod:`.check`,
:mod:`.edit`, :mod:`.articles`, :mod:`.provenance`, :mod:`.site`, :mod:`.review`), each
reading arguments, asking the core and printing what it answers.
"""

from factcheck.cli.args import record_arguments
from factcheck.cli.errors import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError
from factcheck.cli.main import COMMANDS, build_parser, main, run

__all__ = ["COMMANDS", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "UsageError", "build_parser", "main", "record_arguments", "run"]
