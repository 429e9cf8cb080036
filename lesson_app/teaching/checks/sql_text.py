"""Split SQL text into statements the way PostgreSQL's lexer does, so a checker can refuse more than one."""

from __future__ import annotations

import re

# A dollar-quote tag: $$ or $name$ (a name starts with a letter or _; `$1` is a parameter, not a tag).
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\U0010ffff][\w\x80-\U0010ffff]*)?\$")
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "_$"


def _skip_block_comment(sql: str, i: int) -> int:
    """Return the index after the /* ... */ that starts at i; PostgreSQL lets these nest."""
    depth, i = 1, i + 2
    while i < len(sql) and depth:
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return i


def _skip_quoted(sql: str, i: int) -> int:
    """Return the index after the '...' or "..." that starts at i ('' and "" stay inside; E'...' has \\ escapes)."""
    quote = sql[i]
    prefix = sql[max(i - 2, 0) : i]
    backslash = quote == "'" and prefix[-1:] in ("e", "E") and not (len(prefix) == 2 and _word_char(prefix[0]))
    i += 1
    while i < len(sql):
        if (backslash and sql[i] == "\\") or sql.startswith(quote * 2, i):
            i += 2
        elif sql[i] == quote:
            return i + 1
        else:
            i += 1
    return i


def _skip_dollar_quoted(sql: str, i: int) -> int | None:
    """Return the index after the $tag$ ... $tag$ that starts at i, or None if no dollar quote starts there."""
    tag = _DOLLAR_TAG.match(sql, i)
    if tag is None or (i > 0 and _word_char(sql[i - 1])):
        return None
    end = sql.find(tag.group(), tag.end())
    return len(sql) if end < 0 else end + len(tag.group())


def split_statements(sql: str) -> list[str]:
    """Return the statements in `sql`: split at each `;` outside strings, quoted names and comments."""
    pieces, start, i = [], 0, 0
    while i < len(sql):
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _skip_block_comment(sql, i)
        elif sql[i] in "'\"":
            i = _skip_quoted(sql, i)
        elif sql[i] == "$" and (after := _skip_dollar_quoted(sql, i)) is not None:
            i = after
        elif sql[i] == ";":
            pieces.append(sql[start:i])
            start = i = i + 1
        else:
            i += 1
    pieces.append(sql[start:])
    return [piece.strip() for piece in pieces if _COMMENTS.sub(" ", piece).strip()]
