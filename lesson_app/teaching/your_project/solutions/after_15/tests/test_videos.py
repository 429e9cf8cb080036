import os
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from config.database import get_db
from main import app

# The tests write to a database of their own, never to the one in DATABASE_URL.
test_url = make_url(os.environ["MY_API_TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg2")
test_engine = create_engine(test_url)
TestingSession = sessionmaker(bind=test_engine, expire_on_commit=False)


def override_get_db():
    db = TestingSession()
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def client():
    app.dependency_overrides[get_db] = override_get_db
    with TestClient(app) as test_client:
        yield test_client
    app.dependency_overrides.clear()


def new_video():
    return {"title": "Test video", "url": f"https://videos.example/test-{uuid.uuid4().hex}", "channel": "Tests"}


def test_create_answers_201_with_location(client):
    response = client.post("/videos", json=new_video())
    assert response.status_code == 201
    assert response.headers["location"] == f"/videos/{response.json()['id']}"


def test_duplicate_url_answers_409(client):
    video = new_video()
    assert client.post("/videos", json=video).status_code == 201
    assert client.post("/videos", json=video).status_code == 409


def test_missing_video_answers_404(client):
    assert client.get("/videos/999999").status_code == 404
