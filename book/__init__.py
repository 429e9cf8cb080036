"""The series as a static book on the web: Sphinx and myst-nb read the committed notebooks without running them.

Build it with `uv run python -m book` (HTML in `_build/book/html/`); `book/conf.py` says why Sphinx and not
Jupyter Book 2.
"""
