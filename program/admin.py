from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
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


class SessionInlineFormSet(BaseInlineFormSet):
    """Checks the sessions of one Event page against each other.

    `Session.clean()` checks each session against the event being edited and the stored
    sessions; two rows of the same submission that share a room and a slot are only
    visible here (and would otherwise reach the database constraint as an error 500).
    """

    def clean(self):
        super().clean()
        kept = [
            form for form in self.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for index, form in enumerate(kept):
            data = form.cleaned_data
            if not (data.get("room") and data.get("start") and data.get("end")):
                continue
            for other in kept[:index]:
                other_data = other.cleaned_data
                if (
                    other_data.get("room") == data["room"]
                    and other_data.get("start") and other_data.get("end")
                    and other_data["start"] < data["end"] and other_data["end"] > data["start"]
                ):
                    form.add_error("room", ValidationError(
                        _("La salle « %(room)s » est déjà occupée par « %(other)s » sur ce "
                          "créneau."),
                        params={"room": data["room"], "other": other.instance.title},
                    ))
                    break


class SessionInline(TranslationTabularInline):
    model = Session
    formset = SessionInlineFormSet
    fields = ("kind", "title", "start", "end", "room", "capacity", "order")
    extra = 0
    show_change_link = True
    ordering = ("start", "order")


@admin.register(Event)
class EventAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("title", "date", "venue", "plenary_capacity", "is_published", "is_demo",
                    "public_link")
    list_filter = ("is_published", "is_demo")
    search_fields = ("title", "venue", "address")
    ordering = ("-date",)
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


class SpeakerSessionInline(admin.TabularInline):
    """The sessions a speaker takes part in, editable from the speaker's page."""

    model = SessionSpeaker
    fk_name = "speaker"
    extra = 0
    fields = ("session", "role", "order")
    autocomplete_fields = ("session",)
    verbose_name = _("séance")
    verbose_name_plural = _("séances")


@admin.register(Session)
class SessionAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("title", "kind", "event", "start", "end", "room", "capacity", "public_link")
    list_filter = ("event", "kind", "room")
    search_fields = ("title", "description", "room", "speakers__name")
    list_select_related = ("event",)
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("event", "start", "order")
    date_hierarchy = "start"
    inlines = [SessionSpeakerInline]
    fields = ("event", "kind", "title", "slug", "description", "start", "end", "room", "order",
              "capacity")


@admin.register(Speaker)
class SpeakerAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("name", "role", "organisation", "is_demo", "public_link")
    list_filter = ("is_demo", "organisation")
    search_fields = ("name", "role", "organisation")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SpeakerSessionInline]


@admin.register(Page)
class PageAdmin(ViewOnSiteMixin, TabbedTranslationAdmin):
    list_display = ("title", "slug", "is_demo", "updated_at", "public_link")
    list_filter = ("is_demo",)
    search_fields = ("title", "body")
    ordering = ("slug",)
