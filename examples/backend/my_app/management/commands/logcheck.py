"""manage.py logcheck TAG: one line per level through the project's LOGGING.

Run it at a terminal to see the console's colours; the file gets plain text.
"""

import logging

from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Log one line per level through the project's LOGGING"

    def add_arguments(self, parser):
        parser.add_argument("tag")

    def handle(self, *args, **options):
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL):
            logger.log(level, "logcheck %s tag=%s", logging.getLevelName(level).lower(), options["tag"])
