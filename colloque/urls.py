from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.i18n import set_language

from program.sitemaps import SITEMAPS

from . import views

admin.site.site_header = "Colloque mixité sociale — administration"
admin.site.site_title = "Colloque — administration"
admin.site.index_title = "OPMIRE"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # One sitemap for both languages (each address with its alternates), named by robots.txt.
    # Not a cached public page: it reads its query (?p=, Django's pages of 50,000 addresses).
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
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
