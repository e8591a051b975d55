"""A payment-like event: "the user says they paid; show me what happened".

The inputs and the resulting state are logged, so the timeline of one request
can be read from CloudWatch Logs alone.
"""

import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)

LIMIT = 1000


def pay(request):
    payment = {
        "user": request.GET.get("user", "-"),
        "amount": int(request.GET.get("amount", "0")),
        "currency": request.GET.get("currency", "KRW"),
        "reference": request.GET.get("reference", "-"),
    }
    inputs = " ".join(f"{key}={value}" for key, value in payment.items())
    logger.info("payment received %s", inputs)
    state = "captured" if 0 < payment["amount"] <= LIMIT else "declined"
    (logger.info if state == "captured" else logger.warning)("payment %s %s", state, inputs)
    return JsonResponse({"reference": payment["reference"], "state": state}, status=200 if state == "captured" else 402)
