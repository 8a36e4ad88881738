from django.urls import path

from . import views

app_name = "press"

urlpatterns = [
    path("presse/", views.press_area, name="area"),
    path("presse/accreditation/", views.accreditation_request, name="accreditation"),
    path("presse/accreditation/envoyee/", views.accreditation_submitted, name="submitted"),
    path("presse/accreditation/suivi/<str:token>/", views.accreditation_status, name="status"),
    path("presse/accreditation/suivi/<str:token>/badge/", views.accreditation_badge, name="badge"),
    path("presse/accreditation/suivi/<str:token>/mes-donnees.json", views.personal_data,
         name="personal-data"),
    path("presse/accreditation/suivi/<str:token>/effacer/", views.erase, name="erase"),
    path("presse/dossier/<int:pk>/", views.kit_document, name="kit-document"),
    path("presse/gestion/documents/<int:pk>/", views.accreditation_document, name="document"),
    path("presse/gestion/controle/<str:token>/", views.accreditation_checkin, name="checkin"),
    path("presse/gestion/export.csv", views.export_csv, name="export-csv"),
    path("presse/gestion/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("presse/gestion/liste/", views.export_print, name="export-print"),
]
