"""`/sitemap.xml` (Django's sitemaps framework): every public page of the current edition, in
French and in English, with its language alternates, at the site's own address (SITE_URL),
so that search engines find the sessions and pages without crawling for them. `robots.txt`
names it. Personal links (confirmation, manage, press status) are never listed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Event, Page


class _SiteSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class MainPagesSitemap(_SiteSitemap):
    """The pages the header links to."""

    changefreq = "daily"

    def items(self):
        return ["program:home", "program:programme", "program:speakers",
                "registrations:register", "press:area"]

    def location(self, item):
        return reverse(item)


class SessionSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self):
        event = Event.objects.current()
        return list(event.sessions.in_order()) if event else []


class PageSitemap(_SiteSitemap):
    """Practical information and the legal pages, dated by their last edit."""

    changefreq = "weekly"

    def items(self):
        return list(Page.objects.all())

    def lastmod(self, page):
        return page.updated_at


SITEMAPS = {"pages": MainPagesSitemap, "sessions": SessionSitemap, "texts": PageSitemap}
