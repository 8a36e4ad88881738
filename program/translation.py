"""Fields with an English version (django-modeltranslation adds `<field>_en`)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Event, Page, Session, Speaker


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "summary", "description", "organisers", "venue")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("role", "bio", "photo_alt")


@register(Page)
class PageTranslation(TranslationOptions):
    fields = ("title", "body")
