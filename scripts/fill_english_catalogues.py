"""Make every English catalogue complete: msgids are English, so an entry's English text is its
msgid unless a translator has written a better one. Run by `make messages`."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    for po_path in sorted(ROOT.glob("*/locale/en/LC_MESSAGES/django.po")):
        catalogue = polib.pofile(str(po_path))
        changed = False
        for entry in catalogue:
            # A fuzzy entry carries msgmerge's guess from a *different* msgid: never keep it.
            fuzzy = "fuzzy" in entry.flags
            if fuzzy:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
            if entry.msgid_plural:
                if fuzzy or not all(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    changed = True
            elif fuzzy or not entry.msgstr:
                entry.msgstr = entry.msgid
                changed = True
            changed = changed or fuzzy
        if changed:
            catalogue.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
