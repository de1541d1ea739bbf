"""Every message in the code has a Chinese and an English translation.

For each project app the test extracts the messages afresh with ``makemessages`` (in a copy of
the app, so the working tree is untouched) and checks them against the committed catalogues.
A new ``{% translate %}`` or ``gettext`` without its Chinese text fails here; `make messages`
refreshes the catalogues.
"""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

import polib
import pytest

ROOT = Path(settings.BASE_DIR)


def extracted_messages(app: str, tmp_path: Path, monkeypatch) -> set[str]:
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
    po_path = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    if not po_path.exists():
        return set()
    return {entry.msgid for entry in polib.pofile(str(po_path)) if not entry.obsolete}


def translations(app: str, language: str) -> dict[str, bool]:
    po_path = ROOT / app / "locale" / language / "LC_MESSAGES" / "django.po"
    if not po_path.exists():
        return {}
    result = {}
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        done = all(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)
        result[entry.msgid] = done and "fuzzy" not in entry.flags
    return result


@pytest.mark.parametrize("app", settings.PROJECT_APPS)
def test_every_message_has_chinese_and_english_text(app, tmp_path, monkeypatch):
    messages = extracted_messages(app, tmp_path, monkeypatch)
    for language in ("zh_Hans", "en"):
        catalogue = translations(app, language)
        missing = sorted(msgid for msgid in messages if not catalogue.get(msgid))
        assert not missing, f"{app}: {len(missing)} messages lack {language} text: {missing[:10]}"


def test_chinese_catalogues_are_really_chinese():
    catalogues = sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    assert catalogues, "no Chinese catalogues found"
    for catalogue_path in catalogues:
        entries = [e for e in polib.pofile(str(catalogue_path)) if e.msgstr and not e.obsolete]
        # Copying the English msgid into the Chinese catalogue would pass the completeness
        # test. Short technical strings ("English", codes) may stay; sentences may not.
        copied = [e.msgid for e in entries if e.msgstr == e.msgid and len(e.msgid.split()) > 2]
        assert not copied, f"{catalogue_path}: copied instead of translated: {copied[:10]}"


def test_english_catalogues_repeat_the_english_msgids():
    """msgids are English, so an English msgstr is the msgid itself. Anything else is almost
    always msgmerge's fuzzy guess from another message kept by mistake ("False report" shown
    as "Send report"); to change English wording, change the msgid in the code."""
    catalogues = sorted(ROOT.glob("*/locale/en/LC_MESSAGES/django.po"))
    assert catalogues
    for catalogue_path in catalogues:
        wrong = []
        for entry in polib.pofile(str(catalogue_path)):
            if entry.obsolete:
                continue
            if entry.msgid_plural:
                if entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}:
                    wrong.append(entry.msgid)
            elif entry.msgstr != entry.msgid:
                wrong.append(entry.msgid)
        assert not wrong, f"{catalogue_path}: {wrong[:10]}"
