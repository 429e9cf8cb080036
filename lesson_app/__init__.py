"""lesson_app: the small FastAPI + PostgreSQL application the request-journey notebooks take apart.

The names below are what the notebooks import; everything else is reachable through its module.
"""

from lesson_app.app import create_app
from lesson_app.databases import DatabaseUnavailableError, lesson_database, plain_url, server_url
from lesson_app.embedded import EmbeddedDatabaseError
from lesson_app.environment import check_environment
from lesson_app.models import Base, Youtube
from lesson_app.server import LessonServer, PortInUseError, PrivilegedPortError, start_server, stop_all
from lesson_app.settings import Settings, get_settings

__all__ = [
    "Base",
    "DatabaseUnavailableError",
    "EmbeddedDatabaseError",
    "LessonServer",
    "PortInUseError",
    "PrivilegedPortError",
    "Settings",
    "Youtube",
    "check_environment",
    "create_app",
    "get_settings",
    "lesson_database",
    "plain_url",
    "server_url",
    "start_server",
    "stop_all",
]
