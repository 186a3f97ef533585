"""Write the README's tables that are made from the model (between their marker comments).

    python docs/readme_tables.py          rewrite README.md
    python docs/readme_tables.py --check  exit 1 if README.md is not up to date

tests/test_readme_tables.py runs the check, so a field added to factcheck/model.py fails
the tests until this is run again.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.fields import markdown_table  # noqa: E402
from factcheck.model import Source  # noqa: E402

#: Each generated table: its marker name and the record it describes.
TABLES = {"source": Source}


def rewritten(text: str) -> str:
    """``text`` (the README) with each generated table made anew from the model."""
    for name, cls in TABLES.items():
        start = f"<!-- generated: {name} table (docs/readme_tables.py) -->\n"
        end = f"<!-- end of the generated {name} table -->\n"
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no {start.strip()} ... {end.strip()} block")
        block = start + markdown_table(cls) + end
        text = pattern.sub(lambda _, block=block: block, text)
    return text


def main(argv: list[str]) -> int:
    path = ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = rewritten(text)
    if "--check" in argv:
        if new != text:
            print("README.md: a table made from the model is out of date; run python docs/readme_tables.py", file=sys.stderr)
            return 1
        return 0
    if new != text:
        path.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
