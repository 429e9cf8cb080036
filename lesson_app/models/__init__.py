"""The database tables, as SQLAlchemy 2 typed models."""

from lesson_app.models.youtube_model import Base, Youtube

__all__ = ["Base", "Youtube"]
