from django.urls import path
from my_app.views import boom, levels, pay, private

urlpatterns = [
    path("levels", levels.levels),
    path("boom", boom.boom),
    path("private", private.private),
    path("pay", pay.pay),
]
