import os

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

# The URL comes from the environment, never from the code: it holds a password. psql, TablePlus and Neon write
# postgresql://; name the driver this project installed, psycopg2.
DATABASE_URL = make_url(os.environ["DATABASE_URL"]).set(drivername="postgresql+psycopg2")

engine = create_engine(DATABASE_URL, pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def get_db():
    """Give one request its own session, and close it once the response is sent."""
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
