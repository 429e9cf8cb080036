"""Notebook 09b's exercise 4: predict the plan node PostgreSQL runs for one video by its id, then the checker runs
`EXPLAIN ANALYZE` for real on the scratch database and compares."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

QUERY = "SELECT id, title FROM youtube WHERE id = 7"
KNOWN = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan")
# Why each wrong index node is not the one for one row by its key (Seq Scan has its own hint below).
WHY_NOT = {
    "Index Only Scan": (
        "an Index Only Scan answers from the index alone, but `youtube_pkey` holds only `id`, so PostgreSQL finds "
        "the row in the index and then reads `title` from the table, which is an Index Scan."
    ),
    "Bitmap Heap Scan": (
        "a bitmap scan first marks every matching row in the index and then reads them from the table in order, "
        "which pays off for many rows; for one row by its key, the Index Scan finds it and reads it at once."
    ),
    "Bitmap Index Scan": (
        "a Bitmap Index Scan only marks matching rows for a Bitmap Heap Scan above it, which pays off for many "
        "rows; for one row by its key, the Index Scan finds it and reads it from the table at once."
    ),
}


def _plan(engine: Engine) -> tuple[str, str | None]:
    """The top node PostgreSQL ran for QUERY, and the index it used (None for a Seq Scan)."""
    with engine.connect() as conn:
        explained: Any = conn.execute(text("EXPLAIN (ANALYZE, FORMAT JSON) " + QUERY)).scalar_one()
    root = explained[0]["Plan"]
    index = root.get("Index Name") or next((child.get("Index Name") for child in root.get("Plans", [])), None)
    return root["Node Type"], index


def check_plan_prediction(prediction: Any, engine: Engine) -> Feedback:
    """Compare a predicted plan node (e.g. "Seq Scan") with the one PostgreSQL really runs for QUERY."""
    if not_attempted(prediction):
        return waiting('your prediction, a plan node\'s name such as `"Seq Scan"`')
    if not isinstance(prediction, str):
        return hint(f'write the node\'s name as a string, such as "Seq Scan"; got {prediction!r}.')
    # Spaces, underscores and case do not matter: "IndexScan", "index_scan" and "Index  Scan" are one node.
    said = "".join(prediction.replace("_", " ").split()).lower()
    known = {name.replace(" ", "").lower(): name for name in KNOWN}
    if said not in known:
        return hint(f"{prediction!r} is not a plan node's name; write one such as {', '.join(map(repr, KNOWN))}.")
    try:
        node, index = _plan(engine)
    except Exception as exc:  # noqa: BLE001 - a dropped table or a stopped server: say so instead of a traceback
        return hint(f"the checker could not run the query ({type(exc).__name__}); run the lesson's cells first.")
    happened = f"the plan PostgreSQL ran is {node}" + (f" (using {index})" if index else "")
    if known[said] == node:
        return correct(
            f"{happened}. No revision of this lesson made that index: a PRIMARY KEY (and every UNIQUE column, such "
            "as `url`) comes with one, made with the table."
        )
    if known[said] == "Seq Scan":
        return hint(
            f"{happened}, not Seq Scan. `id` is the primary key, and PostgreSQL makes an index for every PRIMARY "
            "KEY and UNIQUE constraint when it makes the table."
        )
    return hint(f"{happened}, not {known[said]}: {WHY_NOT[known[said]]}")
