"""A view that raises: Django logs the traceback (django.request, through the root logger)."""

import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)


def _average_price(order: str, total: int, items: int) -> float:
    if not items:
        raise ZeroDivisionError(f"order {order} has no items")
    return total / items


def boom(request):
    order = request.GET.get("order", "7")
    logger.warning("computing the average price of order %s", order)
    return JsonResponse({"average": _average_price(order, 100, 0)})
