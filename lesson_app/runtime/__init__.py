"""What runs the lessons: the embedded PostgreSQL, the databases, Uvicorn in a notebook, the command line.

`embedded.EmbeddedServer` is the embedded PostgreSQL of one data folder (`pg_access`, `pg_programs`,
`pg_launch` and `postmaster` help it; `ports` is the one place that picks a port); `databases` gives each lesson
its own database over `connection`, and `schema_version` says whether it is at Alembic's head before `migrations`
runs Alembic; `server` runs Uvicorn in the notebook's process (`server_logs` keeps its log lines out of the
output, `status_phrases` makes its reason phrases RFC 9110's); `psql_client` runs psql; `cli` is
`python -m lesson_app`; `pytest_isolation` keeps test runs off a learner's data.
"""
