"""Notebook 09's hint for `op` used outside a migration: a learner who writes `check_downgrade(downgrade(), ...)`
runs `op` before any checker can set it up, so the error comes from the learner's own cell.

Notebook 09 calls `hook_into_ipython()` in its first exercise cell; importing this module changes nothing.
"""

from __future__ import annotations

import sys
from typing import Any

from alembic.operations import Operations

from lesson_app.teaching.checks import Feedback, hint


def _raised_by_op(exc: BaseException) -> bool:
    """Say whether `exc` came out of Alembic's `op` proxy (its innermost frame is in the module `alembic.op`)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and tb.tb_frame.f_globals.get("__name__", "").startswith("alembic")


def explain_op_outside_migration(exc: BaseException) -> Feedback | None:
    """Return a hint when `exc` is what `op.<name>(...)` raises when no migration is running, else None.

    That happens when a learner calls the function instead of handing it over, as in
    `check_downgrade(downgrade(), ...)`: `downgrade()` runs at once, before the checker could set up `op`.
    """
    no_proxy = isinstance(exc, NameError) and "proxy object has not yet been established" in str(exc)
    proxy_gone = (
        isinstance(exc, AttributeError)
        and getattr(exc, "obj", ...) is None
        and getattr(exc, "name", None) in _OPERATIONS
    )
    if not (no_proxy or proxy_gone) or not _raised_by_op(exc):
        return explain_unknown_op(exc)
    return hint(
        "`op` works only while Alembic runs a migration, so calling your function here fails. Pass the "
        "function itself, without (): `my_downgrade = downgrade` (or `my_upgrade = upgrade`). The checker "
        "then calls it for you, inside a migration it rolls back."
    )


def explain_unknown_op(exc: BaseException) -> Feedback | None:
    """Return a hint when `exc` is `op.<name>` for a name Alembic's `op` does not have (`op.rename_column`), else None.

    Inside a migration or outside one, the error is the same AttributeError on the module `alembic.op`.
    """
    if not (isinstance(exc, AttributeError) and getattr(exc, "obj", None) is sys.modules.get("alembic.op")):
        return None
    name = getattr(exc, "name", None)
    if name is None or name in _OPERATIONS:
        return None
    if "rename" in name:
        return hint(
            f"Alembic's `op` has no `{name}`: a column is renamed with `op.alter_column`, and one of its "
            "keyword arguments gives the new name; the lesson's revision 0004 used it."
        )
    return hint(f"Alembic's `op` has no `{name}`; the lesson's revision scripts show the ones it has.")


_OPERATIONS = frozenset(name for name in dir(Operations) if not name.startswith("_"))


def _show_op_hint(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """IPython's handler for AttributeError and NameError: a hint for `op` outside a migration, else as usual."""
    if explain_op_outside_migration(value) is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    # Else nothing here: the hint is printed when the cell ends, like a checker's, and the error's own line would
    # only bury it under "An exception has occurred" and a message about a proxy object.


def hook_into_ipython(shell: Any = None) -> None:
    """Show `explain_op_outside_migration`'s hint in a notebook, where the error happens before any checker runs.

    Notebook 09 calls this in the cell that imports the first checker; importing this module changes nothing.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return
        shell = get_ipython()
    if shell is None or shell.custom_exceptions not in ((), (AttributeError, NameError)):
        return  # no IPython, or someone else's handler: leave it alone
    shell.set_custom_exc((AttributeError, NameError), _show_op_hint)
