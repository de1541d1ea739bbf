"""The relevance set (relevance.json) over the demo content, through the code of /search/.

Every expected document must be found (recall 100%) and the expected top result must come
first for at least 90% of the entries that name one. A small report is printed (pytest -s).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.test import RequestFactory
from django.utils import translation

import pytest

from home.search import search_site
from notices.models import FamilySearchNoticePage

pytestmark = pytest.mark.django_db

RELEVANCE_FILE = Path(__file__).with_name("relevance.json")
TOP1_TARGET = 0.9
ENTRIES = json.loads(RELEVANCE_FILE.read_text(encoding="utf-8"))["queries"]
NOTICE_NUMBER = "@notice_number:"


def resolve(query: str) -> str:
    if not query.startswith(NOTICE_NUMBER):
        return query
    slug = query[len(NOTICE_NUMBER) :].strip("/").split("/")[-1]
    return FamilySearchNoticePage.objects.get(slug=slug).notice_number


def run(entry) -> list[str]:
    """Every result key for the entry's query, best first."""
    with translation.override(entry["lang"]):
        prefix = "" if entry["lang"] == "zh-hans" else f"/{entry['lang']}"
        request = RequestFactory().get(f"{prefix}/search/", HTTP_HOST="localhost")
        outcome = search_site(request, resolve(entry["q"]), per_page=500)
        return [hit.key for hit in outcome.hits]


def test_the_set_is_big_enough():
    assert len(ENTRIES) >= 40
    assert sum("top" in entry for entry in ENTRIES) >= 40
    for entry in ENTRIES:
        assert entry["lang"] in {"zh-hans", "en"}
        assert "top" not in entry or entry["top"] in entry["expect"], entry["q"]


def test_recall_and_top_result(demo_site, capsys):
    missing, leaked, wrong_top, tops = [], [], [], 0
    lines = []
    for entry in ENTRIES:
        keys = run(entry)
        lost = [key for key in entry["expect"] if key not in keys]
        found_absent = [key for key in entry.get("absent", []) if key in keys]
        missing += [(entry["q"], key) for key in lost]
        leaked += [(entry["q"], key) for key in found_absent]
        mark = ""
        if "top" in entry:
            tops += 1
            if not keys or keys[0] != entry["top"]:
                wrong_top.append((entry["q"], entry["top"], keys[:3]))
                mark = " top✗"
        lines.append(
            f"  {entry['lang']:<7} {entry['q'][:28]:<30} {len(keys):>3} results"
            f"{' recall✗' if lost else ''}{' leak✗' if found_absent else ''}{mark}"
        )
    expected_total = sum(len(entry["expect"]) for entry in ENTRIES)
    recall = 1 - len(missing) / expected_total
    top1 = 1 - len(wrong_top) / tops
    with capsys.disabled():
        print(f"\nRelevance set: {len(ENTRIES)} queries, {expected_total} expected documents")
        print("\n".join(lines))
        print(f"recall {recall:.1%}, top-1 {top1:.1%} ({tops - len(wrong_top)}/{tops})")
        for query, top, got in wrong_top:
            print(f"  top of {query!r}: expected {top}, got {got}")
    assert not leaked, leaked
    assert not missing, missing
    assert top1 >= TOP1_TARGET, wrong_top
