"""French first, English second: every interface string has its English version."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def test_every_interface_string_is_translated_and_compiled():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    compiled = {entry.msgid: entry for entry in polib.mofile(str(LOCALE / "django.mo"))}
    stale = [entry.msgid for entry in po if entry.msgid not in compiled
             or compiled[entry.msgid].msgstr != entry.msgstr]
    assert stale == [], "run `make messages` to compile the catalogue"


@pytest.mark.django_db
def test_english_home_speaks_english(client, demo_event):
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "For more social mix in secondary schools" in html
    assert "Register" in html
    assert "Request press accreditation" in html
    assert "Accessibility: partially compliant" in html
    assert "S'inscrire" not in html and "S&#x27;inscrire" not in html


@pytest.mark.django_db
def test_french_stays_the_default_language(client, demo_event):
    response = client.get("/", headers={"Accept-Language": "en"})
    # The root is French whatever the browser says: English lives under /en/.
    assert '<html lang="fr">' in response.content.decode()
