"""schemathesis hooks for the fuzz run, loaded by name from `schemathesis.toml` (so kept light: no lesson_app)."""

from __future__ import annotations

import httpx
import schemathesis


@schemathesis.hook
def after_call(context, case, response) -> None:
    """Switch maintenance mode off again, or every case after a fuzzed `{"enabled": true}` would get a 503."""
    if case.path == "/admin/maintenance" and response.status_code == 200:
        request = response.request
        url = httpx.URL(request.url).join("/admin/maintenance")
        token = {"Authorization": request.headers["Authorization"]}  # the admin token the run sends everywhere
        httpx.put(url, json={"enabled": False}, headers=token, timeout=10).raise_for_status()
