"""The search backend chosen from the environment (read in a separate interpreter)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.WAGTAILSEARCH_BACKENDS))"
)


def backends(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SEARCH_")}
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings.test", **env)
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {SHOW}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["default"]


def test_the_database_backend_by_default():
    assert backends() == {"BACKEND": "portal.search.backend"}


def test_opensearch_with_a_chinese_analyzer_from_the_environment():
    config = backends(SEARCH_URL="https://search.example.invalid:9200", SEARCH_ANALYZER="smartcn")
    assert config["BACKEND"] == "wagtail.search.backends.opensearch2"
    assert config["URLS"] == ["https://search.example.invalid:9200"]
    analyzers = config["INDEX_SETTINGS"]["settings"]["analysis"]["analyzer"]
    assert analyzers == {"default": {"type": "smartcn"}, "default_search": {"type": "smartcn"}}
    ik = backends(SEARCH_URL="http://localhost:9200")["INDEX_SETTINGS"]["settings"]["analysis"]
    assert ik["analyzer"]["default"] == {"type": "ik_max_word"}
    assert ik["analyzer"]["default_search"] == {"type": "ik_smart"}
