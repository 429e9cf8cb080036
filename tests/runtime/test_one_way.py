"""One way to do each runtime job: pick a port, tell a database is migrated, build its migration URL, run psql."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from lesson_app.config.settings import override_settings
from lesson_app.runtime import databases, embedded, ports, psql_client, schema_version
from lesson_app.runtime.databases import plain_url


def test_first_free_port_takes_the_first_free_candidate() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        spare = ports.free_port()
        assert ports.first_free_port([None, busy, spare]) == spare
        moved = ports.first_free_port([busy])
        assert moved != busy and ports.port_is_free(moved)
        assert not ports.port_is_free(busy)


def test_embedded_and_server_use_the_ports_module() -> None:
    from lesson_app.runtime import server

    assert embedded.free_port is ports.free_port
    assert not hasattr(server, "_bind_default") and not hasattr(embedded, "_choose_port")


def test_is_at_newest_answers_for_a_url(empty_db_url) -> None:
    assert not schema_version.is_at_newest(empty_db_url)
    databases.migrate_to_newest(empty_db_url)
    assert schema_version.is_at_newest(empty_db_url)


def test_a_migrated_database_is_reused_without_importing_alembic() -> None:
    databases.lesson_database("one_way")  # migrated here, so the child below finds it at the newest revision
    code = (
        "import sys\nfrom lesson_app.runtime import databases\n"
        "databases.lesson_database('one_way')\nprint('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_migration_url_of_a_database_goes_through_the_direct_endpoint() -> None:
    url = databases.server_url("postgres").set(database="rj_somewhere")
    assert databases.migration_url(url) == url
    with override_settings(direct_database_url="postgresql://alex:pw@direct.example:6543/neondb"):
        direct = databases.migration_url(url)
        assert (direct.host, direct.port, direct.database) == ("direct.example", 6543, "rj_somewhere")
        assert databases.migration_url().database == "neondb"


def test_psql_runs_through_psql_client(capfd: pytest.CaptureFixture[str]) -> None:
    url = databases.server_url("postgres")
    assert psql_client.run(url, ["-tAc", "SELECT 40 + 2"]) == 0
    assert capfd.readouterr().out.strip() == "42"
    assert plain_url(url).startswith("postgresql://")
