"""Bearer tokens for the protected routes: enough to show 401 against 403, not a real login system."""

from __future__ import annotations

import secrets
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from lesson_app.config.settings import get_settings

Role = Literal["admin", "learner"]
# auto_error=False: we answer a missing token ourselves, with the 401 and WWW-Authenticate the lesson shows.
bearer = HTTPBearer(auto_error=False, description="`admin-token` or `learner-token` (see the settings)")


def current_role(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Role:
    """Say who the token belongs to; no token or an unknown one is a 401 (who are you?)."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Send a bearer token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    settings = get_settings()
    if secrets.compare_digest(credentials.credentials.encode(), settings.admin_token.encode()):
        return "admin"
    if secrets.compare_digest(credentials.credentials.encode(), settings.learner_token.encode()):
        return "learner"
    raise HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "That token is not valid.",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def require_admin(role: Annotated[Role, Depends(current_role)]) -> Role:
    """Let only the admin through; a valid token without the admin role is a 403 (known, not allowed)."""
    if role != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, "This route needs the admin role.")
    return role
