"""Lesson 09's AlembicProject: `alembic ...` typed in a cell behaves as in a terminal in the project folder."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.engine.create
from sqlalchemy.engine import URL

from lesson_app.runtime.databases import plain_url
from lesson_app.teaching import alembic_lesson
from lesson_app.teaching.alembic_lesson import AlembicProject

MODEL = """
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(50))
"""


def wire(folder: Path) -> None:
    """Wire env.py as lesson 09 does: the URL from DATABASE_URL (made psycopg2's), the models' metadata."""
    env = folder / "alembic" / "env.py"
    source = env.read_text()
    source = source.replace(
        "config = context.config\n",
        "config = context.config\n"
        "from lesson_app.config.settings import normalize_url\n"
        "import os\n"
        'url = normalize_url(os.environ["DATABASE_URL"])\n'
        'config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))\n',
    )
    source = source.replace(
        "target_metadata = None\n", "from models.note import Base\ntarget_metadata = Base.metadata\n"
    )
    env.write_text(source)
    (folder / "models").mkdir()
    (folder / "models" / "__init__.py").write_text("")
    (folder / "models" / "note.py").write_text(MODEL)


def test_the_notes_path_from_init_to_upgrade(tmp_path: Path, empty_db_url: URL, capsys) -> None:
    cwd, url_before = Path.cwd(), os.environ.get("DATABASE_URL")
    project = AlembicProject(tmp_path, plain_url(empty_db_url))  # as `db url` prints it: postgresql://

    project.alembic("init alembic")
    printed = capsys.readouterr().out
    assert printed.startswith("$ alembic init alembic\n")
    assert "Generating ./alembic.ini ...  done" in printed
    assert str(tmp_path) not in printed  # the folder is written as `.`
    assert project.exit_status == 0

    wire(tmp_path)
    project.alembic('revision --autogenerate -m "create note table" --rev-id 0001')
    project.alembic("upgrade head")
    project.alembic("current")
    printed = capsys.readouterr().out
    assert "Detected added table 'note'" in printed
    assert "Running upgrade  -> 0001, create note table" in printed
    assert printed.rstrip().endswith("$ alembic current\n0001 (head)")
    assert "Context impl" not in printed  # the lines every command prints are left out

    engine = sa.create_engine(empty_db_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    engine.dispose()
    assert Path.cwd() == cwd and os.environ.get("DATABASE_URL") == url_before  # the scene ends with the command


def test_the_kernels_loggers_survive_env_py(tmp_path: Path, empty_db_url: URL, capsys) -> None:
    """env.py's `fileConfig` disables every logger it does not name; a terminal's process ends, a kernel goes on."""
    ours = logging.getLogger("lesson_app.test_alembic_lesson")
    root_handlers, root_level = list(logging.root.handlers), logging.root.level
    project = AlembicProject(tmp_path, plain_url(empty_db_url))
    project.alembic("init alembic")
    wire(tmp_path)
    project.alembic("current")  # runs env.py, and so fileConfig
    assert "$ alembic current" in capsys.readouterr().out and project.exit_status == 0
    assert not ours.disabled
    assert logging.root.handlers == root_handlers and logging.root.level == root_level


def test_a_failing_command_prints_its_last_line_and_exit_status(tmp_path: Path, empty_db_url: URL, capsys) -> None:
    project = AlembicProject(tmp_path, plain_url(empty_db_url))
    project.alembic("init alembic")
    capsys.readouterr()

    project.alembic("current")  # alembic.ini still holds the placeholder URL driver://user:pass@localhost/dbname
    printed = capsys.readouterr().out
    assert "NoSuchModuleError: Can't load plugin: sqlalchemy.dialects:driver" in printed
    assert printed.rstrip().endswith("(exit status 1, as a terminal would report it)")
    assert project.exit_status == 1

    project.alembic("downgrade")  # a missing argument: argparse exits with status 2
    assert project.exit_status == 2
    assert "(exit status 2" in capsys.readouterr().out


def test_inside_sets_the_scene_and_prints_what_the_block_printed(tmp_path: Path, capsys) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("WHERE = 'first'\n")
    project = AlembicProject(tmp_path, "postgresql://u:p@127.0.0.1/x")

    with project.inside():
        import models

        print(os.environ["DATABASE_URL"], Path.cwd() == tmp_path.resolve(), models.WHERE, Path.cwd())
    assert capsys.readouterr().out == "postgresql://u:p@127.0.0.1/x True first .\n"

    (tmp_path / "models" / "__init__.py").write_text("WHERE = 'second'\n")
    with project.inside():
        import models

        print(models.WHERE)  # imported afresh, as a new process would
    assert capsys.readouterr().out == "second\n"

    with project.inside(nothing_printed="(no output)"):
        pass
    assert capsys.readouterr().out == "(no output)\n"


def test_a_deleted_project_folder_fails_with_one_line_not_a_traceback(tmp_path: Path, capsys) -> None:
    """The lesson's folder goes with its kernel: later commands say so and raise nothing."""
    project = AlembicProject(tmp_path / "gone", "postgresql://nobody@127.0.0.1/none")
    project.alembic("current")
    printed = capsys.readouterr().out
    assert "FAILED: the project folder no longer exists" in printed and "Restart Kernel and Run All" in printed
    assert project.exit_status == 1


def test_a_revision_with_an_id_already_written_is_kept(tmp_path: Path, empty_db_url: URL, capsys) -> None:
    """Re-running a cell that writes `--rev-id 0001` keeps the first script: a second 0001 would follow head."""
    project = AlembicProject(tmp_path, plain_url(empty_db_url))
    project.alembic("init alembic")
    project.alembic('revision -m "first" --rev-id 0001')
    project.alembic('revision -m "second" --rev-id 0002')
    capsys.readouterr()
    project.alembic('revision -m "first" --rev-id 0001')
    assert "revision 0001 is already written, ./alembic/versions/0001_first.py" in capsys.readouterr().out
    assert project.exit_status == 0
    assert sorted(path.name for path in (tmp_path / "alembic" / "versions").glob("*.py")) == [
        "0001_first.py",
        "0002_second.py",
    ]
    assert (
        "down_revision: Union[str, Sequence[str], None] = None"
        in (tmp_path / "alembic" / "versions" / "0001_first.py").read_text()
    )


def two_heads_merged(project: AlembicProject) -> None:
    """0001, then 0002a and 0002b both on 0001, then `merge --rev-id 0003 heads`, as lesson 09b does."""
    project.alembic("init alembic")
    project.alembic('revision -m "first" --rev-id 0001')
    for rev_id in ("0002a", "0002b"):
        project.alembic(f'revision -m "branch {rev_id}" --rev-id {rev_id} --head 0001 --splice')
    project.alembic('merge -m "merge" --rev-id 0003 heads')


def test_a_merge_run_again_keeps_the_merge_revision(tmp_path: Path, capsys) -> None:
    """A second `merge --rev-id 0003 heads` would name 0003 as its own parent; the cell keeps the first instead."""
    project = AlembicProject(tmp_path, "postgresql://nobody@127.0.0.1/none")  # none of these commands connects
    two_heads_merged(project)
    capsys.readouterr()
    project.alembic('merge -m "merge" --rev-id 0003 heads')
    assert "revision 0003 is already written, ./alembic/versions/0003_merge.py" in capsys.readouterr().out
    project.alembic("heads")
    assert capsys.readouterr().out.splitlines()[-1] == "0003 (head)"
    assert project.exit_status == 0


def test_a_broken_chain_says_how_to_start_over(tmp_path: Path, capsys) -> None:
    """What the unguarded merge left behind (0003 on 0003): the FAILED line, then what to run, no traceback."""
    project = AlembicProject(tmp_path, "postgresql://nobody@127.0.0.1/none", start_over="run cell X again")
    two_heads_merged(project)
    script = tmp_path / "alembic" / "versions" / "0003_merge.py"
    script.write_text(script.read_text().replace("('0002a', '0002b')", "'0003'"))
    capsys.readouterr()
    project.alembic("heads")
    printed = capsys.readouterr().out
    assert "Self-loop is detected in revisions (0003)" in printed
    assert printed.rstrip().endswith("The chain of revisions in ./alembic/versions is broken: run cell X again.")
    assert "Traceback" not in printed and project.exit_status != 0


def test_commands_share_one_parser_and_never_each_others_options(
    tmp_path: Path, empty_db_url: URL, capsys, monkeypatch
) -> None:
    """Alembic's parser is built once per kernel (building it cost more than `alembic current`)."""
    built: list[object] = []

    class Counted(alembic_lesson.CommandLine):
        def __init__(self, *args, **kwargs) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(alembic_lesson, "CommandLine", Counted)
    alembic_lesson._command_line.cache_clear()
    project = AlembicProject(tmp_path, plain_url(empty_db_url))
    project.alembic("init alembic")
    wire(tmp_path)
    project.alembic('revision -m "empty" --rev-id 0001')
    project.alembic("history --verbose")
    verbose = capsys.readouterr().out
    project.alembic("history")
    plain = capsys.readouterr().out
    alembic_lesson._command_line.cache_clear()  # the next test's kernel builds Alembic's own again
    assert len(built) == 1
    assert "Revision ID: 0001" in verbose and "Revision ID" not in plain and "<base> -> 0001 (head), empty" in plain


def _connections_to(url: URL) -> int:
    """How many sessions PostgreSQL has open on `url`'s database, not counting the one asking."""
    engine = sa.create_engine(url.set(database="postgres"), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
        count = conn.execute(sa.text(query), {"name": url.database}).scalar_one()
    engine.dispose()
    return int(count)


def test_commands_keep_env_pys_engine_and_no_connection(tmp_path: Path, empty_db_url: URL, capsys) -> None:
    """One engine for every command with the same settings (its compiled SQL kept), yet no connection left open."""
    made: list[sa.Engine] = []

    def record(conn: sa.Connection) -> None:
        if conn.engine.url.database == empty_db_url.database:
            made.append(conn.engine)

    sa.event.listen(sa.Engine, "engine_connect", record)
    try:
        project = AlembicProject(tmp_path, plain_url(empty_db_url))
        project.alembic("init alembic")
        wire(tmp_path)
        env = tmp_path / "alembic" / "env.py"  # a pool that keeps connections, unlike the template's NullPool
        env.write_text(env.read_text().replace("poolclass=pool.NullPool", "poolclass=pool.QueuePool"))
        project.alembic('revision --autogenerate -m "create note table" --rev-id 0001')
        project.alembic("upgrade head")
        assert _connections_to(empty_db_url) == 0
        project.alembic("check")
    finally:
        sa.event.remove(sa.Engine, "engine_connect", record)
    assert "No new upgrade operations detected." in capsys.readouterr().out
    assert len(made) == 3 and len({id(engine) for engine in made}) == 1  # three commands, one engine
    assert _connections_to(empty_db_url) == 0
    assert sa.engine_from_config is sqlalchemy.engine.create.engine_from_config  # the kernel's own again
