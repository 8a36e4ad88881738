from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from .models import Event, Page, Session, SessionSpeaker, Speaker


class ViewOnSiteMixin:
    @admin.display(description=_("page publique"))
    def public_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>',
                           obj.get_absolute_url(), _("Voir sur le site"))


class SessionInline(TranslationTabularInline):
    model = Session
    fields = ("kind", "title", "start", "end", "room", "capacity", "order")
    extra = 0
    show_change_link = True
    ordering = ("start", "order")


@admin.register(Event)
class EventAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("title", "date", "venue", "plenary_capacity", "is_published", "is_demo",
                    "public_link")
    list_filter = ("is_published", "is_demo")
    search_fields = ("title", "venue")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "date"
    inlines = [SessionInline]
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "description", "organisers", "is_published",
                           "is_demo")}),
        (_("Date et lieu"), {"fields": ("date", "start_time", "end_time", "venue", "address")}),
        (_("Inscriptions"), {"fields": ("plenary_capacity", "registration_opens_at",
                                        "registration_closes_at", "registrations_closed")}),
        (_("Presse"), {"fields": ("press_accreditation_deadline",)}),
    )


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 1
    autocomplete_fields = ("speaker",)
    ordering = ("order",)


@admin.register(Session)
class SessionAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("title", "kind", "event", "start", "end", "room", "capacity", "public_link")
    list_filter = ("event", "kind", "room")
    search_fields = ("title", "description", "speakers__name")
    list_select_related = ("event",)
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("event", "start", "order")
    inlines = [SessionSpeakerInline]
    fields = ("event", "kind", "title", "slug", "description", "start", "end", "room", "order",
              "capacity")


@admin.register(Speaker)
class SpeakerAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("name", "role", "organisation", "is_demo", "public_link")
    list_filter = ("is_demo",)
    search_fields = ("name", "role", "organisation")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Page)
class PageAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("title", "slug", "is_demo", "updated_at", "public_link")
    list_filter = ("is_demo",)
    search_fields = ("title", "body")
