import asyncio
import time

from fastapi import FastAPI

app = FastAPI(title="def against async def")
PAUSE = 0.15  # seconds: a stand-in for a slow database query or a call to another service


@app.get("/blocking-async")
async def blocking_in_async():
    """A blocking call inside async def: it holds the event loop, so every other request waits."""
    time.sleep(PAUSE)
    return {"slept": PAUSE}


@app.get("/blocking-def")
def blocking_in_def():
    """The same call in a plain def: FastAPI runs it in a worker thread, and the loop stays free."""
    time.sleep(PAUSE)
    return {"slept": PAUSE}


@app.get("/awaiting")
async def awaiting():
    """An awaited pause: the coroutine hands the loop back while it waits."""
    await asyncio.sleep(PAUSE)
    return {"slept": PAUSE}
