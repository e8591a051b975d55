"""One line at each level, so DJANGO_LOG_LEVEL decides what ships."""

import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)


def levels(request):
    tag = request.GET.get("tag", "-")
    logger.debug("levels debug tag=%s", tag)
    logger.info("levels info tag=%s", tag)
    logger.warning("levels warning tag=%s", tag)
    logger.error("levels error tag=%s", tag)
    logger.critical("levels critical tag=%s", tag)
    return JsonResponse({"tag": tag})
