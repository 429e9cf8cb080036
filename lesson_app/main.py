"""The app for `uvicorn lesson_app.main:app --reload`, the way the notes run FastAPI from a terminal."""

from lesson_app.api.app import create_app

app = create_app()
