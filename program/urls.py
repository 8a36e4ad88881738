from django.urls import path

from . import views

app_name = "program"

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.programme, name="programme"),
    path("programme/colloque.ics", views.event_ics, name="event-ics"),
    path("programme/<slug:slug>/", views.session_detail, name="session-detail"),
    path("programme/<slug:slug>.ics", views.session_ics, name="session-ics"),
    path("intervenants/", views.speakers, name="speakers"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
