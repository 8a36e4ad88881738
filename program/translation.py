"""Fields with an English version (django-modeltranslation adds `<field>_en`)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Page, Session, Speaker


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "description_html", "organisers", "venue")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description", "description_html", "excerpt_html")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("role", "bio", "bio_html", "photo_alt")


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body", "body_html")
