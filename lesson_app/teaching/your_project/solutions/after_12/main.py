from fastapi import FastAPI

app = FastAPI(title="My videos API")


@app.get("/")
def home():
    """Say hello: the project's first route."""
    return {"message": "Hello from my_api"}
