"""Search benchmark: 10,000 generated family-search notices, indexed and searched through the
backend the site uses (portal.search.backend).

    make bench-search                      # SQLite, then PostgreSQL when DATABASE_URL is set
    python scripts/bench_search.py --docs 2000 --rounds 3

It works in a throwaway test database (Django's test database: a temporary SQLite file, or
``test_<name>`` on the PostgreSQL server of DATABASE_URL), never in the developer's one.
Documents are drawn with a fixed seed from the real area names (GB/T 2260 data of the stations
app), the dialects of the notice model and pools of features, clothing, memories and places,
so every run builds the same 10,000 documents. It prints:

* the time to load the segmentation dictionary and converter (once per process);
* the indexing time of all documents (in chunks of 1,000, as ``manage.py update_index``);
* search latency p50/p95/p99 over a fixed set of queries, for the backend alone (count and
  the first 10 results, ranked) and for the whole /search/ code (``home.search.search_site``:
  type counts, pages and stations merged, objects loaded; no template rendering).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

QUERIES = [
    # Broad: every notice matches (its station, its kind).
    "救助管理站",
    "寻亲公告",
    "南宁救助站",
    "南宁",
    "桂林",
    "柳州",
    "百色",
    "南寧",
    "兴宁区",
    "阳朔",
    "火车站",
    "菜市场",
    "白话",
    "壮话",
    "客家话",
    "桂柳话",
    "说白话的老人",
    "南宁流浪乞讨",
    "桂林男",
    "红色外套",
    "左手背有烫伤疤痕",
    "榕树",
    "黄",
    "男",
    "阿婆",
    "覃",
    "寻亲 南宁 女",
    "左手 疤",
    "记得家门口有一棵大榕树",
    "Nanning",
    "Cantonese",
    "rescue station",
    "450100-2026-0001",
    "6·19",
    "没有这样的内容",
    "救" * 100,
]

SURNAMES = "黄韦陈李梁覃蒙莫罗农潘卢廖刘张王杨周吴邓谭蓝"
GIVEN = "明华军红芳英强伟秀兰丽平海生福贵桂宁建国玉梅"
PLACES = [
    "火车站广场",
    "汽车客运站",
    "菜市场门口",
    "人民公园",
    "大桥下",
    "公交站附近",
    "农贸市场",
    "江边步道",
    "高铁站",
    "医院门口",
    "城中村",
    "商业街",
    "加油站旁",
    "派出所门口",
    "码头",
]
FEATURES = [
    "左手背有烫伤疤痕",
    "右眉尾有一颗黑痣",
    "门牙缺一颗",
    "满头白发",
    "走路需要拐杖",
    "右小腿有手术疤痕",
    "左耳后有胎记",
    "光头",
    "戴老花镜",
    "皮肤黝黑，双手有老茧",
    "左前臂有纹身",
    "驼背",
    "右眼有白内障",
    "说话不太清楚",
    "耳背",
    "左腿走路有点跛",
    "脖子右侧有红色胎记",
    "白胡子",
    "秃顶",
    "脸上有雀斑",
    "戴助听器",
    "右手戴红绳",
]
COLOURS = ["灰色", "蓝色", "黑色", "白色", "红色", "绿色", "黄色", "紫色", "褐色", "深蓝色"]
GARMENTS = ["夹克", "运动裤", "布鞋", "棉衣", "衬衫", "长裤", "外套", "毛衣", "拖鞋", "卫衣"]
MEMORIES = [
    "记得家门口有一棵大榕树",
    "小时候在河边放过牛",
    "说自己有三个儿子",
    "记得村里有座石拱桥",
    "会唱山歌，说家里种金桔",
    "记得以前在码头搬过货",
    "说女儿在广东打工",
    "记得家门前有条铁路",
    "记得年轻时在糖厂上班",
    "说家在山上，要走很远的路才到镇上",
    "记得家附近有个溶洞",
    "说孙子在南宁读大学",
    "记得家里有台红色拖拉机",
    "记得家附近有个大水塘，种了很多荷花",
]
DIALECT_NOTES = {
    "cantonese": ["{city}白话", "说白话，讲话慢", "白话和普通话"],
    "zhuang": ["会说壮话", "{county}壮话", "壮话和桂柳话"],
    "guiliu": ["桂柳话", "口音偏{city}"],
    "hakka": ["{county}客家话", "客家话和普通话"],
    "pinghua": ["说平话", "夹杂平话"],
    "mandarin": ["普通话", "普通话带东北口音"],
    "southwestern": ["带湖南口音", "西南官话"],
    "other": ["说话夹杂粤语和普通话"],
    "unknown": ["不说话", ""],
}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def dictionary_load_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); from portal.search import text; text.load(); "
        "print(time.perf_counter() - t)"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def generate(count: int, seed: int):
    """Create ``count`` live notices (not indexed yet)."""
    from django.db import transaction

    from home.demo import ensure_home_page
    from notices.models import FamilySearchNoticePage, NoticeIndexPage
    from stations.demo import seed_stations
    from stations.models import Area, Station

    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    seed_stations()
    home = ensure_home_page()
    index = NoticeIndexPage(title="寻亲公告", slug="notices")
    home.add_child(instance=index)
    stations = {s.area_id: s for s in Station.objects.filter(is_fallback=False)}
    counties = list(
        Area.objects.filter(level=Area.Level.COUNTY, parent_id__in=stations).select_related(
            "parent"
        )
    )
    dialects = [d for d, _label in FamilySearchNoticePage.Dialect.choices]
    today = date(2026, 6, 1)
    created = 0
    while created < count:
        with transaction.atomic():
            for _ in range(min(500, count - created)):
                created += 1
                county = rng.choice(counties)
                city = county.parent
                sex = rng.choice(["male", "female", "unknown"])
                minor = rng.random() < 0.1
                age = rng.randint(8, 17) if minor else rng.randint(18, 85)
                who = {"male": "男子", "female": "女子", "unknown": "人员"}[sex]
                if minor:
                    who = {"male": "男孩", "female": "女孩", "unknown": "儿童"}[sex]
                place = rng.choice(PLACES)
                dialect = rng.choice(dialects)
                note = rng.choice(DIALECT_NOTES.get(dialect, [""]))
                found = today - timedelta(days=rng.randint(0, 700))
                name = ""
                if rng.random() < 0.35:
                    name = rng.choice(SURNAMES) + "".join(
                        rng.choice(GIVEN) for _ in range(rng.randint(1, 2))
                    )
                page = FamilySearchNoticePage(
                    title=f"{county.name}{place}发现的{who}（约{age - 3}–{age + 3}岁）",
                    slug=f"bench-{created:05d}",
                    live=True,
                    station=stations[city.pk],
                    name=name,
                    sex=sex,
                    age_min=max(0, age - 3),
                    age_max=age + 3,
                    dialect=dialect,
                    dialect_note=note.format(city=city.name[:2], county=county.name[:2]),
                    features="，".join(rng.sample(FEATURES, rng.randint(1, 3))),
                    clothing="，".join(
                        rng.choice(COLOURS) + garment
                        for garment in rng.sample(GARMENTS, rng.randint(1, 3))
                    ),
                    memories=rng.choice(MEMORIES),
                    found_date=found,
                    found_area=county,
                    found_place=f"{county.name}{place}",
                    intake_date=found,
                    is_minor=minor,
                    status="seeking" if rng.random() < 0.9 else "reunited",
                )
                index.add_child(instance=page)


def index_all(model) -> tuple[float, int]:
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    objects = model.get_indexed_objects().order_by("pk")
    total = objects.count()
    started = time.perf_counter()
    for start in range(0, total, 1000):
        backend.add_bulk(model, list(objects[start : start + 1000]))
    return time.perf_counter() - started, total


def measure(rounds: int):
    from django.test import RequestFactory

    from wagtail.models import Locale
    from wagtail.search.backends import get_search_backend

    from home.search import public_pages, search_site

    backend = get_search_backend()
    request = RequestFactory().get("/search/", HTTP_HOST="localhost")
    locale = Locale.get_default()
    backend_times, page_times, hits = [], [], {}
    for query in QUERIES:  # warm up
        search_site(request, query)
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            results = backend.search(query, public_pages(locale), operator="and")
            hits[query] = results.count()
            list(results[:10])
            backend_times.append(time.perf_counter() - started)

            started = time.perf_counter()
            search_site(request, query)
            page_times.append(time.perf_counter() - started)
    return backend_times, page_times, hits


def report(label, values):
    ms = [v * 1000 for v in values]
    return (
        f"{label:<34} p50 {percentile(ms, 0.50):6.1f} ms   p95 {percentile(ms, 0.95):6.1f} ms   "
        f"p99 {percentile(ms, 0.99):6.1f} ms   mean {statistics.fmean(ms):6.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--show-hits", action="store_true", help="print each query's count")
    parser.add_argument(
        "--keepdb",
        action="store_true",
        help="keep the test database afterwards and reuse it if it exists (set TEST_DB_NAME)",
    )
    args = parser.parse_args()

    load_seconds = dictionary_load_seconds()

    import django
    from django.conf import settings

    # Documents are indexed by the timed step only, not one by one while they are created.
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    django.setup()
    logging.disable(logging.INFO)  # no "Page created" line per generated document

    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False, keepdb=args.keepdb
    )
    try:
        vendor = connection.vendor
        version = connection.pg_version if vendor == "postgresql" else ""
        if vendor == "sqlite":
            import sqlite3

            version = sqlite3.sqlite_version
        print(f"Search benchmark on {vendor} {version}: {args.docs} documents, seed {args.seed}")
        print(f"Dictionary and converter load (once per process): {load_seconds * 1000:.0f} ms")
        from notices.models import FamilySearchNoticePage

        model = FamilySearchNoticePage
        if not (args.keepdb and model.objects.exists()):
            started = time.perf_counter()
            generate(args.docs, args.seed)
            print(f"Generated {args.docs} notices in {time.perf_counter() - started:.1f} s")
        seconds, indexed = index_all(model)
        print(
            f"Indexing: {indexed} documents (the seeking ones) in {seconds:.2f} s "
            f"({indexed / seconds:.0f} per second)"
        )
        if vendor == "postgresql":
            # A fresh bulk load has no planner statistics yet; a live database has them
            # (autovacuum). Without them PostgreSQL may pick nested loops over 10,000 rows.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        backend_times, page_times, hits = measure(args.rounds)
        print(f"Search latency, {len(QUERIES)} queries × {args.rounds} rounds:")
        print(report("  backend (count + first 10)", backend_times))
        print(report("  /search/ code (search_site)", page_times))
        if args.show_hits:
            for query, count in hits.items():
                print(f"    {count:>6}  {query[:30]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keepdb)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
