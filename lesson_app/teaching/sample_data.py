"""Load the sample videos from data/videos.csv, skipping any whose URL is already stored."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from lesson_app.api import crud
from lesson_app.api.schemas import VideoCreate
from lesson_app.config.settings import PROJECT_ROOT

VIDEOS_CSV = PROJECT_ROOT / "data" / "videos.csv"


@dataclass
class LoadReport:
    """What a load did: rows added, duplicates skipped, rows refused as invalid (with why)."""

    added: int = 0
    skipped: int = 0
    invalid: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"added {self.added}, skipped {self.skipped} already stored"
        return text + (f", refused {len(self.invalid)} invalid" if self.invalid else "")


def read_videos(path: Path = VIDEOS_CSV) -> list[dict[str, str]]:
    """Return the CSV's rows as dictionaries of strings."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_json_types(row: dict[str, str]) -> dict[str, object]:
    """Read a CSV row's numbers and booleans as JSON would carry them: VideoCreate does not convert text."""
    typed: dict[str, object] = dict(row)
    views, published = row.get("views", "").strip(), row.get("is_published", "").strip().lower()
    if views.isdigit():
        typed["views"] = int(views)
    if published in ("true", "false"):
        typed["is_published"] = published == "true"
    return typed  # anything else stays text, and VideoCreate refuses it with a reason


def load_videos(session: Session, path: Path = VIDEOS_CSV) -> LoadReport:
    """Store every valid row of the CSV that is not stored yet, through the same CRUD code as the API."""
    report = LoadReport()
    for line, row in enumerate(read_videos(path), start=2):
        try:
            video_in = VideoCreate.model_validate(as_json_types(row))
        except ValidationError as exc:
            report.invalid.append(f"line {line}: {exc.errors()[0]['msg']}")
            continue
        try:
            crud.create_video(session=session, video_in=video_in)
        except crud.DuplicateVideoError:
            report.skipped += 1
        else:
            report.added += 1
    return report
