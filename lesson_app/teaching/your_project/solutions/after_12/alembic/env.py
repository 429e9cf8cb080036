import os
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool
from sqlalchemy.engine import make_url

from alembic import context
from models.youtube_model import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# The notes' line, with the URL read from the environment (a URL pasted here would put your password in git).
# psql, TablePlus and Neon write postgresql://; name the driver this project installed, psycopg2.
url = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql+psycopg2")
config.set_main_option("sqlalchemy.url", url.render_as_string(hide_password=False).replace("%", "%%"))

# The notes' other line: the models autogenerate compares with the database.
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (`alembic upgrade head --sql`)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect to the database and run the migrations there."""
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
