from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("inscription/", views.register, name="register"),
]
