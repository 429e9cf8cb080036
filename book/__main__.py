"""`uv run python -m book [--out FOLDER]`: build the book, print where its first page is, exit non-zero on failure."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from book.build import DEFAULT_OUT, BookError, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m book", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the build (default: _build/book)")
    args = parser.parse_args(argv)
    try:
        html = build(args.out.resolve())
    except BookError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"The book is in {html}: open {html / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
