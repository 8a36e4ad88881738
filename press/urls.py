from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("presse/", views.press_area, name="area"),
    path("presse/accreditation/", views.accreditation_request, name="accreditation"),
]
