"""Logger my_app.views.private: its own handlers, no propagation (each line written once)."""

import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)


def private(request):
    account = request.GET.get("account", "-")
    logger.warning("private account %s viewed by support", account)
    return JsonResponse({"account": account})
