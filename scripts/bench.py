"""HTTP benchmark of the public site (`make bench`).

Builds a generated database (the demo, then at least 1,000 notices, 200 explainers, 50
open-day campaigns and 20 stations), starts gunicorn under production settings pinned to one
core and a load generator pinned to the other, and measures requests per second, p50 and p99
for each target, with its ratio to a static file served by the same server in the same run (the
ceiling): the home page, the notice list with filters, a notice, the explainer list, an
explainer, the open-day list, a campaign, a search and the tip POST (with a valid CSRF token;
captcha off, rate limit off). Pages are measured twice: from the anonymous page cache, and with
the page cache switched off.

    make bench                      # SQLite in a temporary folder, Redis if it answers
    make bench BENCH_ARGS="--duration 5 --connections 8"
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/guitu_bench make bench

Load generator: Debian's `wrk` when installed (installed with apt-get when missing and the
script runs as root), else a small asyncio keep-alive client of this script (slower: it says
so). Nothing is downloaded except that Debian package.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

TARGETS = {
    # name: (path key, target kind)
    "static file (ceiling)": ("static", "ceiling"),
    "/ (home)": ("home", "page"),
    "/notices/ with filters": ("notices", "page"),
    "a notice": ("notice", "page"),
    "/policies/": ("policies", "page"),
    "an explainer": ("explainer", "page"),
    "/events/": ("events", "page"),
    "a campaign": ("event", "page"),
    "/search/?q=": ("search", "uncached"),
    "tip POST": ("tip", "post"),
}
LISTINGS = {"/ (home)", "/notices/ with filters", "/policies/", "/events/"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_url() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"SELECT 14\r\nFLUSHDB\r\n")
            sock.recv(64)
        return "redis://127.0.0.1:6379/14"
    except OSError:
        return ""


def settings_module(folder: Path) -> None:
    (folder / "bench_settings.py").write_text(
        "from portal.settings.production import *\n"
        "# Benchmark only: the rate limits and the captcha would measure themselves.\n"
        "RATE_LIMITS = {scope: (10**9, 60) for scope in RATE_LIMITS}\n"
        "RECAPTCHA_PUBLIC_KEY = RECAPTCHA_PRIVATE_KEY = ''\n"
        "DEMO_SEED_ALLOWED = True\n"
        "LOGGING['root']['level'] = 'WARNING'\n"
    )


def environment(folder: Path, database_url: str, cache: bool) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url(),
        "BEHIND_TLS_PROXY": "true",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "GUITU_VAR_DIR": str(folder / "var"),
        "PAGE_CACHE_ENABLED": "true" if cache else "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",
        "DB_CONN_MAX_AGE": "600",
    }
    env.pop("DEBUG", None)
    return env


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


GENERATE = r"""
import random
from datetime import datetime, time as clock, timedelta
from django.db import transaction
from django.utils import timezone
from notices.models import FamilySearchNoticePage, NoticeIndexPage, NoticePhoto
from policies.models import PolicyExplainerPage, PolicyIndexPage, PolicyTopic, Audience
from events.models import EventIndexPage, EventPage, Venue
from stations.models import Area, Station

rng = random.Random(2026)
zh = lambda model: model.objects.filter(locale__language_code="zh-hans").get()
counties = list(Area.objects.filter(level="county").select_related("parent"))
stations = list(Station.objects.filter(is_active=True, is_fallback=False))
while Station.objects.count() < 20:
    area = counties[Station.objects.count() * 5]
    Station.objects.create(code=f"B{Station.objects.count():03d}", name=f"{area.name}救助管理站",
        area=area, address=f"{area.name}人民路1号（演示地址）", phone="0771-0000001",
        hotline="0771-0000001", is_active=True)
stations = list(Station.objects.filter(is_active=True, is_fallback=False))
notices = zh(NoticeIndexPage)
template = FamilySearchNoticePage.objects.filter(status="seeking").first()
photo_image = template.photos.first().image
features = ["左手背有疤痕", "右眉有痣", "说话有口音", "头发花白", "走路需要拐杖", "戴眼镜"]
clothes = ["灰色夹克", "蓝色运动裤", "黑色布鞋", "红色外套", "白色衬衫"]
made = 0
while FamilySearchNoticePage.objects.count() < 1000:
    county = rng.choice(counties)
    station = rng.choice(stations)
    n = FamilySearchNoticePage.objects.count()
    page = FamilySearchNoticePage(
        title=f"寻亲公告：{county.parent.name}{county.name}发现的人员 {n}", slug=f"bench-notice-{n}",
        station=station, found_area=county, found_place=f"{county.name}车站附近",
        sex=rng.choice(["male", "female"]), age_min=rng.randint(10, 70), age_max=None,
        found_date=timezone.localdate() - timedelta(days=rng.randint(1, 300)),
        features=rng.choice(features), clothing=rng.choice(clothes), memories="记得家附近有一条河",
        dialect=rng.choice(["mandarin", "cantonese", "zhuang", "hakka"]))
    page.age_max = page.age_min + 10
    page.intake_date = page.found_date
    page.photos.add(NoticePhoto(image=photo_image, alt_text="示意图", is_face=True))
    with transaction.atomic():
        notices.add_child(instance=page)
    made += 1
policies = zh(PolicyIndexPage)
template = PolicyExplainerPage.objects.filter(locale__language_code="zh-hans").first()
topics = list(PolicyTopic.objects.all())
while PolicyExplainerPage.objects.count() < 200:
    n = PolicyExplainerPage.objects.count()
    page = PolicyExplainerPage(title=f"政策解读 {n}：救助管理工作问答", slug=f"bench-explainer-{n}",
        summary=template.summary, body=template.body, topic=rng.choice(topics),
        source_title=template.source_title, source_issuer=template.source_issuer,
        source_status=template.source_status, next_review=template.next_review)
    with transaction.atomic():
        policies.add_child(instance=page)
        page.audiences.set(Audience.objects.all()[:2])
events = zh(EventIndexPage)
past = EventPage.objects.filter(locale__language_code="zh-hans").order_by("start_date").first()
while EventPage.objects.count() < 50:
    n = EventPage.objects.count()
    day = past.start_date - timedelta(days=30 * n)
    page = EventPage(title=f"开放日 {n}", slug=f"bench-campaign-{n}", theme=past.theme,
        summary=past.summary, start_date=day, end_date=day)
    for order, station in enumerate(rng.sample(stations, 5)):
        start = timezone.make_aware(datetime.combine(day, clock(9)))
        page.venues.add(Venue(station=station, starts_at=start, ends_at=start + timedelta(hours=3),
            capacity=20, registration_enabled=False, sort_order=order, visitors=rng.randint(50, 500)))
    with transaction.atomic():
        events.add_child(instance=page)
print(FamilySearchNoticePage.objects.count(), PolicyExplainerPage.objects.count(),
      EventPage.objects.count(), Station.objects.count())
"""

PATHS = r"""
import json
from notices.models import FamilySearchNoticePage
from policies.models import PolicyExplainerPage
from events.models import EventPage
from django.contrib.staticfiles.storage import staticfiles_storage
zh = {"locale__language_code": "zh-hans"}
print(json.dumps({
    "static": staticfiles_storage.url("css/site.css"),
    "home": "/",
    "notices": "/notices/?sex=male&age=elderly",
    "notice": FamilySearchNoticePage.objects.live().filter(status="seeking", **zh).first().url,
    "policies": "/policies/",
    "explainer": PolicyExplainerPage.objects.live().filter(**zh).first().url,
    "events": "/events/",
    "event": EventPage.objects.live().filter(slug="619-family-search-day", **zh).first().url,
    "search": "/search/?q=" + "%E5%8D%97%E5%AE%81",
    "tip": "/report/",
}))
"""


def build(folder: Path, database_url: str) -> dict:
    env = environment(folder, database_url, cache=False)
    settings_module(folder)
    print("· migrating and seeding the demo …", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    print("· generating notices, explainers, campaigns and stations …", flush=True)
    started = time.monotonic()
    counts = manage(env, "shell", stdin=GENERATE).strip().splitlines()[-1]
    print(
        f"  notices, explainers, campaigns, stations = {counts} ({time.monotonic() - started:.0f} s)"
    )
    print("· indexing for search, collecting static files …", flush=True)
    manage(env, "update_index")
    manage(env, "collectstatic", "--noinput", "-v0")
    paths = json.loads(manage(env, "shell", stdin=PATHS).strip().splitlines()[-1])
    return {"paths": paths, "counts": counts}


class Server:
    def __init__(self, folder: Path, database_url: str, cache: bool, cpu: str):
        self.port = free_port()
        self.env = environment(folder, database_url, cache)
        self.log = (folder / f"gunicorn-{'cache' if cache else 'nocache'}.log").open("w")
        command = [
            PYTHON, "-m", "gunicorn", "portal.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--worker-class", "gthread",
            "--workers", "2", "--threads", "4", "--backlog", "1024", "--timeout", "60",
        ]  # fmt: skip
        if shutil.which("taskset") and cpu:
            command = ["taskset", "-c", cpu, *command]
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                request(self.base + "/robots.txt")
                return
            except OSError:
                time.sleep(0.2)
        sys.exit("gunicorn did not start; see " + self.log.name)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()


HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def request(url: str, data: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=data, headers={**HEADERS, **(headers or {})})  # noqa: S310
    with urllib.request.urlopen(req, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def tip_request(base: str) -> dict:
    """A valid tip POST: a CSRF cookie and token from the form, the form's fields."""
    _status, headers, body = request(base + "/report/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    seen = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 3600))
    form = {
        "csrfmiddlewaretoken": token,
        "category": "sleeping_rough",
        "area": "450102",
        "place_text": "压力测试：民族大道公交站",
        "seen_at": seen,
        "consent_forwarding": "on",
        "website": "",
    }
    return {
        "body": urllib.parse.urlencode(form),
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Origin": "https://127.0.0.1",
            "Referer": "https://127.0.0.1/report/",
        },
    }


# --- load generators --------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    if shutil.which("wrk"):
        return shutil.which("wrk")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("· installing wrk from Debian …", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)  # noqa: S607
    return shutil.which("wrk")


def wrk(url: str, duration: int, connections: int, cpu: str, post: dict | None, folder: Path):
    headers = dict(HEADERS)
    script = folder / "post.lua"
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if post:
        headers.update(post["headers"])
        body = post["body"].replace("\\", "\\\\").replace('"', '\\"')
        script.write_text(f'wrk.method = "POST"\nwrk.body = "{body}"\n')
        args += ["-s", str(script)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    if shutil.which("taskset") and cpu:
        args = ["taskset", "-c", cpu, *args]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {
        m.group(1): parse_time(m.group(2)) for m in re.finditer(r"^\s+(50|99)%\s+(\S+)", out, re.M)
    }
    errors = 0
    for pattern in (
        r"Non-2xx or 3xx responses: (\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
    ):
        match = re.search(pattern, out)
        if match:
            errors += sum(int(g) for g in match.groups())
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {
        "rps": rps,
        "p50": latency.get("50"),
        "p99": latency.get("99"),
        "errors": errors,
        "requests": total,
    }


def parse_time(text: str) -> float:
    """wrk's '1.23ms' / '850.00us' / '1.02s' → milliseconds."""
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


async def _python_load(url, duration, connections, post):
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = dict(HEADERS)
    method, body = "GET", b""
    if post:
        method, body = "POST", post["body"].encode()
        headers.update(post["headers"])
        headers["Content-Length"] = str(len(body))
    head = (
        f"{method} {path} HTTP/1.1\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        + "\r\n"
    )
    payload = head.encode() + body
    latencies, errors = [], 0
    stop = time.monotonic() + duration

    async def one():
        nonlocal errors
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while time.monotonic() < stop:
            started = time.perf_counter()
            writer.write(payload)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - started) * 1000)
            if not status_line.split()[1].startswith((b"2", b"3")):
                errors += 1
        writer.close()

    await asyncio.gather(*(one() for _ in range(connections)))
    latencies.sort()
    return {
        "rps": len(latencies) / duration,
        "p50": statistics.median(latencies) if latencies else None,
        "p99": latencies[int(len(latencies) * 0.99) - 1] if latencies else None,
        "errors": errors,
        "requests": len(latencies),
    }


def python_load(url, duration, connections, post):
    return asyncio.run(_python_load(url, duration, connections, post))


# --- the run ------------------------------------------------------------------------------------


def measure(server: Server, path: str, args, tool, folder, post=None):
    url = server.base + path
    for _ in range(20):  # warm up: the page cache, the connection pool, the renditions
        try:
            if post:
                request(url, post["body"].encode(), post["headers"])
            else:
                request(url)
        except OSError:
            pass
    if tool:
        return wrk(url, args.duration, args.connections, args.client_cpu, post, folder)
    return python_load(url, args.duration, args.connections, post)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per target (10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (16)")
    parser.add_argument(
        "--server-cpu", default="0", help="core for gunicorn (taskset), '' for none"
    )
    parser.add_argument("--client-cpu", default="1", help="core for the load generator")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="guitu-bench-"))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    tool = ensure_wrk()
    print(f"Guitu benchmark · {time.strftime('%Y-%m-%d %H:%M')} · {os.cpu_count()} cores · "
          f"database {database_url.split(':', 1)[0]} · cache {'Redis' if redis_url() else 'file'} · "
          f"load generator {'wrk' if tool else 'python (asyncio; wrk not installed)'}")  # fmt: skip
    built = build(folder, database_url)
    paths = built["paths"]
    results = []
    try:
        for cache in (True, False):
            server = Server(folder, database_url, cache, args.server_cpu)
            try:
                ceiling = measure(server, paths["static"], args, tool, folder)
                for name, (key, kind) in TARGETS.items():
                    if kind == "ceiling":
                        row = ceiling
                    elif kind == "post":
                        if not cache:
                            continue
                        row = measure(
                            server, paths[key], args, tool, folder, tip_request(server.base)
                        )
                    elif kind in ("uncached", "form") and not cache:
                        continue
                    else:
                        row = measure(server, paths[key], args, tool, folder)
                    mode = (
                        "cached"
                        if cache and kind == "page"
                        else ("—" if kind == "ceiling" else "not cached")
                    )
                    if kind == "ceiling" and not cache:
                        continue
                    results.append(
                        {
                            "target": name,
                            "mode": mode,
                            **row,
                            "ratio": row["rps"] / ceiling["rps"],
                            "ceiling": ceiling["rps"],
                            "kind": kind,
                        }
                    )
                    print(f"  {name:<24} {mode:<11} {row['rps']:>8.0f}/s", flush=True)
            finally:
                server.stop()
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    print()
    print(
        f"{'target':<24} {'page cache':<11} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}  goal"
    )
    failures = []
    for row in results:
        goal, ok = "", True
        if row["mode"] == "cached":
            goal, ok = "≥ 0.80", row["ratio"] >= 0.8
        elif row["target"] in LISTINGS and row["mode"] == "not cached":
            goal, ok = "≥ 0.10", row["ratio"] >= 0.10
        elif row["kind"] == "post":
            goal, ok = "≥ 0.05, 0 errors", row["ratio"] >= 0.05 and row["errors"] == 0
        flag = "" if ok else "  ✗"
        if not ok:
            failures.append(row["target"] + " " + row["mode"])
        p50 = f"{row['p50']:.1f}" if row["p50"] is not None else "-"
        p99 = f"{row['p99']:.1f}" if row["p99"] is not None else "-"
        print(
            f"{row['target']:<24} {row['mode']:<11} {row['rps']:>8.0f} {p50:>8} {p99:>8} {row['errors']:>7} {row['ratio']:>6.2f}  {goal}{flag}"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"counts": built["counts"], "results": results}, indent=2)
        )
    print()
    print("All targets met." if not failures else "Not met: " + "; ".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
