"""What runs the lessons: the embedded PostgreSQL, the databases, Uvicorn in a notebook, the command line.

`embedded` starts PostgreSQL as an unprivileged user (`pg_access`, `pg_programs`, `ports` help it);
`databases` gives each lesson its own database, `migrations` and `schema_version` keep it at Alembic's head;
`server` runs Uvicorn in the notebook's process (`status_phrases` makes its reason phrases RFC 9110's);
`psql_client` opens psql; `cli` is `python -m lesson_app`; `pytest_isolation` keeps test runs off a
learner's data.
"""
