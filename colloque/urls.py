from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from . import views

admin.site.site_header = "Colloque mixité sociale — administration"
admin.site.site_title = "Colloque — administration"
admin.site.index_title = "OPMIRE"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

# French at the root, English under /en/
urlpatterns += i18n_patterns(
    path("", include("program.urls")),
    path("", include("registrations.urls")),
    path("", include("press.urls")),
    prefix_default_language=False,
)

handler404 = "colloque.views.page_not_found"
handler500 = "colloque.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
