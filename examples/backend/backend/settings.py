"""The example backend: the original project's logging, corrected for CloudWatch Logs.

LOGGING below is what docs/django-logging.md tells you to paste. Everything
else is the least Django needs to serve the example views (no database).
"""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "example-backend-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["my_app"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "backend.urls"
WSGI_APPLICATION = "backend.wsgi.application"
DATABASES: dict = {}
USE_TZ = True
# Django sets the process's time zone to TIME_ZONE, so asctime is written in
# it: the backend stream's time_zone says which (docs/django-logging.md).
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOG_FILE = os.environ.get("BACKEND_LOG_FILE", "/var/log/containers/backend.log")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # What ships: plain text, level first, asctime with milliseconds
        # (2026-11-24 10:00:00,123), parsed by datetime_format "%Y-%m-%d %H:%M:%S,%f".
        "verbose": {
            "format": "{levelname} {asctime} {module} {process:d} {thread:d} {message}",
            "style": "{",
        },
        # What a person reads at a terminal: colours, only when the stream is one.
        "simple": {
            "()": "colorlog.ColoredFormatter",
            "format": "{log_color}{levelname} {asctime} {module} {message}{reset}",
            "style": "{",
            "stream": "ext://sys.stderr",
            "log_colors": {
                "DEBUG": "cyan",
                "INFO": "green",
                "WARNING": "yellow",
                "ERROR": "red",
                "CRITICAL": "red,bg_white",
            },
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "simple",
        },
        # WatchedFileHandler reopens the file when it is renamed (logrotate),
        # so the agent, which follows the newest file, keeps getting lines.
        "file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": LOG_FILE,
            "formatter": "verbose",
        },
    },
    "root": {"handlers": ["console", "file"], "level": "WARNING"},
    "loggers": {
        "my_app": {"handlers": ["console", "file"], "level": LOG_LEVEL, "propagate": False},
        "my_app.views": {"level": LOG_LEVEL},
        # Its own handlers and no propagation: each line is written once.
        "my_app.views.private": {"handlers": ["console", "file"], "level": LOG_LEVEL, "propagate": False},
    },
}
