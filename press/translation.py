"""Press texts with an English version (django-modeltranslation adds `<field>_en`)."""

from modeltranslation.translator import TranslationOptions, register

from .models import PressInfo, PressKitDocument


@register(PressInfo)
class PressInfoTranslation(TranslationOptions):
    fields = ("personality", "entrance", "instructions")


@register(PressKitDocument)
class PressKitDocumentTranslation(TranslationOptions):
    fields = ("title",)
