"""Staff screens of the programme: the edition, its sessions, speakers and pages.

Written for the OPMIRE team, who are not developers: every field says in French what it is
and, for texts with an English version, which language it holds (« Titre (anglais) »); no
language tabs (modeltranslation's tabs load jQuery UI from a CDN and show bare language
codes). Formatted texts come with an « Aperçu » of the saved text, rendered by the same
sanitised filter as the public pages.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from .models import Event, Page, Session, SessionSpeaker, Speaker
from .templatetags.colloque import markdown

LANGUAGE_NAMES = {"fr": _("français"), "en": _("anglais")}


class LanguageLabelsMixin:
    """« Titre (français) », « Titre (anglais) » instead of modeltranslation's « titre [en] ».

    The English field also says what happens when it is left empty (the site in English
    shows the French text: MODELTRANSLATION_FALLBACK_LANGUAGES).
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if field is None or language not in LANGUAGE_NAMES:
            return field
        field.label = _("%(field)s (%(language)s)") % {
            "field": capfirst(db_field.translated_field.verbose_name),
            "language": LANGUAGE_NAMES[language],
        }
        if language != "fr":
            field.help_text = _("Vide : le site en anglais affiche le texte français.")
        return field


class StaffAdminMixin(LanguageLabelsMixin):
    """What every programme page shares: language labels and the link to the public page."""

    @admin.display(description=_("page publique"))
    def public_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{} <span>{}</span></a>',
                           obj.get_absolute_url(), _("Voir sur le site"),
                           _("(nouvel onglet)"))


def _preview(text: str | None):
    """The saved text as the public site shows it, folded under « Afficher l'aperçu »."""
    if not text:
        return _("Rien à afficher : le texte est vide ou pas encore enregistré.")
    return format_html(
        '<details class="markdown-preview"><summary>{}</summary>'
        '<div class="markdown-preview-body">{}</div></details>',
        _("Afficher l'aperçu"), markdown(text),
    )


def with_previews(name: str):
    """Class decorator: read-only « Aperçu (français) » and « Aperçu (anglais) » fields,
    `<name>_preview_fr` and `<name>_preview_en`, for the formatted field `name`."""

    def decorate(admin_class):
        for language, language_name in LANGUAGE_NAMES.items():
            def preview(self, obj, field=f"{name}_{language}"):
                return _preview(getattr(obj, field, ""))

            preview.short_description = format_lazy(_("Aperçu ({language})"),
                                                    language=language_name)
            setattr(admin_class, f"{name}_preview_{language}", preview)
        return admin_class

    return decorate


def _previewed(name: str) -> tuple[str, ...]:
    """The fields of a formatted text in a fieldset: each language followed by its preview."""
    return (f"{name}_fr", f"{name}_preview_fr", f"{name}_en", f"{name}_preview_en")


def _previews(name: str) -> tuple[str, str]:
    return (f"{name}_preview_fr", f"{name}_preview_en")


PREVIEW_DESCRIPTION = _(
    "L'aperçu montre le texte enregistré tel qu'il paraît sur le site ; il est mis à jour "
    "quand vous enregistrez (bouton « Enregistrer et continuer les modifications »)."
)


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


class SessionInline(LanguageLabelsMixin, TranslationStackedInline):
    """The day at a glance on the event page: what, when, where, how many seats, three lines
    per session. The English title, the description and the speakers are edited on the
    session's own page (« Modifier » link in each session's heading)."""

    model = Session
    formset = SessionInlineFormSet
    fields = (("title_fr", "kind"), ("start", "end"), ("room", "capacity"))
    extra = 0
    show_change_link = True
    ordering = ("start", "order")
    classes = ("session-inline",)


@admin.register(Event)
@with_previews("description")
class EventAdmin(StaffAdminMixin, TranslationAdmin):
    list_display = ("title", "date", "venue", "plenary_capacity", "is_published", "is_demo",
                    "public_link")
    list_filter = ("is_published", "is_demo")
    search_fields = ("title", "venue", "address")
    ordering = ("-date",)
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "date"
    inlines = [SessionInline]
    readonly_fields = ("public_link", *_previews("description"))
    fieldsets = (
        (None, {"fields": ("title", "slug", "summary", "organisers", "is_published", "is_demo",
                           "public_link")}),
        (_("Texte de présentation"), {"fields": _previewed("description"),
                                      "description": PREVIEW_DESCRIPTION}),
        (_("Date et lieu"), {"fields": ("date", "start_time", "end_time", "venue", "address")}),
        (_("Inscriptions"), {"fields": ("plenary_capacity", "registration_opens_at",
                                        "registration_closes_at", "registrations_closed")}),
        (_("Presse"), {"fields": ("press_accreditation_deadline",)}),
    )


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 1
    ordering = ("order",)


class SpeakerSessionInline(admin.TabularInline):
    """The sessions a speaker takes part in, editable from the speaker's page."""

    model = SessionSpeaker
    fk_name = "speaker"
    extra = 0
    fields = ("session", "role", "order")
    verbose_name = _("séance")
    verbose_name_plural = _("séances")


@admin.register(Session)
@with_previews("description")
class SessionAdmin(StaffAdminMixin, TranslationAdmin):
    list_display = ("title", "kind", "event", "start", "end", "room", "capacity", "public_link")
    list_filter = ("event", "kind", "room")
    search_fields = ("title", "description", "room", "speakers__name")
    list_select_related = ("event",)
    prepopulated_fields = {"slug": ("title",)}
    ordering = ("event", "start", "order")
    date_hierarchy = "start"
    inlines = [SessionSpeakerInline]
    readonly_fields = ("public_link", *_previews("description"))
    fieldsets = (
        (None, {"fields": ("event", "kind", "title", "slug", "public_link")}),
        (_("Description"), {"fields": _previewed("description"),
                            "description": PREVIEW_DESCRIPTION}),
        (_("Horaires et salle"), {"fields": ("start", "end", "room", "order", "capacity")}),
    )


@admin.register(Speaker)
@with_previews("bio")
class SpeakerAdmin(StaffAdminMixin, TranslationAdmin):
    list_display = ("name", "role", "organisation", "is_demo", "public_link")
    list_filter = ("is_demo", "organisation")
    search_fields = ("name", "role", "organisation")
    ordering = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SpeakerSessionInline]
    readonly_fields = ("public_link", *_previews("bio"))
    fieldsets = (
        (None, {"fields": ("name", "slug", "role", "organisation", "is_demo", "public_link")}),
        (_("Biographie"), {"fields": _previewed("bio"), "description": PREVIEW_DESCRIPTION}),
        (_("Photo"), {"fields": ("photo", "photo_alt")}),
    )


@admin.register(Page)
@with_previews("body")
class PageAdmin(StaffAdminMixin, TranslationAdmin):
    list_display = ("title", "slug", "is_demo", "updated_at", "public_link")
    list_filter = ("is_demo",)
    search_fields = ("title", "body")
    ordering = ("slug",)
    readonly_fields = ("updated_at", "public_link", *_previews("body"))
    fieldsets = (
        (None, {"fields": ("slug", "title", "is_demo", "updated_at", "public_link")}),
        (_("Contenu"), {"fields": _previewed("body"), "description": PREVIEW_DESCRIPTION}),
    )

