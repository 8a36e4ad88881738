from django.urls import path

from . import views

app_name = "registrations"

urlpatterns = [
    path("inscription/", views.register, name="register"),
    path("inscription/merci/", views.submitted, name="submitted"),
    path("inscription/accueil/", views.checkin, name="checkin"),
    path("inscription/accueil/arrivee/", views.checkin_arrive, name="checkin-arrive"),
    path("inscription/accueil/compteurs/", views.checkin_counters, name="checkin-counters"),
    path("inscription/confirmer/<str:token>/", views.confirm, name="confirm"),
    path("inscription/gerer/<str:token>/", views.manage, name="manage"),
    path("inscription/gerer/<str:token>/atelier/", views.change_workshop, name="change-workshop"),
    path("inscription/gerer/<str:token>/annuler/", views.cancel, name="cancel"),
    path("inscription/gerer/<str:token>/je-ne-viendrai-pas/", views.release, name="release"),
    path("inscription/nouvelles/desabonnement/<str:token>/", views.unsubscribe,
         name="unsubscribe"),
    path("inscription/gerer/<str:token>/attestation.pdf", views.attestation,
         name="attestation"),
    path("inscription/gerer/<str:token>/mes-donnees.json", views.personal_data,
         name="personal-data"),
    path("inscription/gerer/<str:token>/effacer/", views.erase, name="erase"),
    path("inscription/gerer/<str:token>/agenda.ics", views.ticket_ics, name="ticket-ics"),
]
