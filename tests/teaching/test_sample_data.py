"""The sample data: twelve invented videos, loaded once, duplicates refused cleanly."""

from __future__ import annotations

from lesson_app.config.database import make_engine, make_sessionmaker
from lesson_app.teaching.sample_data import load_videos, read_videos


def test_csv_is_valid_and_invented() -> None:
    rows = read_videos()
    assert len(rows) == 12
    assert all(row["url"].startswith("https://videos.example/") for row in rows)  # a name that resolves nowhere
    assert len({row["url"] for row in rows}) == 12


def test_load_twice_skips_duplicates(db_url) -> None:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        first = load_videos(session)
        second = load_videos(session)
    engine.dispose()
    assert (first.added, first.skipped) == (12, 0)
    assert (second.added, second.skipped) == (0, 12)
    assert str(second) == "added 0, skipped 12 already stored"


def test_invalid_rows_are_reported_not_stored(db_url, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("title,url,channel,views,is_published\nok,https://v.example/1,c,1,true\n,not-a-url,c,-5,maybe\n")
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as session:
        report = load_videos(session, bad)
    engine.dispose()
    assert report.added == 1
    assert len(report.invalid) == 1 and report.invalid[0].startswith("line 3:")


def test_load_data_command(cli) -> None:
    first = cli("load-data", "--database", "test_load_cli")
    second = cli("load-data", "--database", "test_load_cli")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert second.stdout.strip() == "added 0, skipped 12 already stored"
