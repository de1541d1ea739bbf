"""Demo content: the section index page at /report/ in Chinese and English, demo tips in
several states for the 南宁 and 柳州 stations, so the queue is never empty in a fresh run, and a
year of anonymised finished tips for the statistics page."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from portal.demo import SeedContext, default_site, ensure_child_page
from stations.models import Area, Station
from tip_reports.intake import TipSubmission, submit_tip
from tip_reports.models import ReportPage, TipEvent, TipLogEntry, TipReport
from tip_reports.workflow import Action, perform


def seed(ctx: SeedContext) -> None:
    ensure_child_page(
        default_site().root_page,
        ReportPage,
        "report",
        title="报告求助线索",
        introduction="发现需要帮助的人？请告诉我们，我们会转交负责的救助管理站。",
        en={
            "title": "Report a sighting",
            "introduction": "Seen someone who needs help? Tell us and we will pass it to the responsible rescue station.",
        },
    )


# --- Demo tips ---------------------------------------------------------------------------------
# Fictional tips for the 南宁 and 柳州 demo stations, filed through intake and worked through the
# state machine as the demo users, so their timelines are real; then moved back in time so the
# queue shows a spread of ages (and one overdue tip). Places and people are invented; no photos,
# no reporter phone numbers. Each is recognised by its description (ending in DEMO_MARKER), so
# seeding again adds nothing.

DEMO_MARKER = "（演示线索）"


@dataclass(frozen=True)
class DemoTip:
    area: str
    category: str
    description: str
    place_text: str
    hours_ago: float
    urgency: str = TipReport.Urgency.NORMAL
    person_sex: str = TipReport.Sex.UNKNOWN
    person_age: str = TipReport.AgeGroup.UNKNOWN
    clothing: str = ""
    appearance: str = ""
    reporter_name: str = ""
    # (username, action, params) in order
    steps: tuple = ()


A = Action
DEMO_TIPS = (
    DemoTip(
        area="450103",
        category=TipReport.Category.MINOR,
        urgency=TipReport.Urgency.URGENT,
        place_text="朝阳广场东侧公交站",
        description="一个大约十岁的男孩独自在公交站向路人要钱，天黑了还没有大人来接。"
        + DEMO_MARKER,
        person_sex=TipReport.Sex.MALE,
        person_age=TipReport.AgeGroup.CHILD,
        clothing="红色运动外套，蓝色书包",
        hours_ago=0.1,
    ),
    DemoTip(
        area="450102",
        category=TipReport.Category.SLEEPING_ROUGH,
        place_text="示范大道地下通道北口",
        description="一名中年男子连续几晚睡在地下通道里，身边只有一个编织袋。" + DEMO_MARKER,
        person_sex=TipReport.Sex.MALE,
        person_age=TipReport.AgeGroup.ADULT,
        hours_ago=3,  # past its one-hour acknowledge target: overdue
    ),
    DemoTip(
        area="450107",
        category=TipReport.Category.ELDERLY_LOST,
        place_text="演示菜市场门口",
        description="一位老奶奶在菜市场门口来回走，说不清自己住在哪里。" + DEMO_MARKER,
        person_sex=TipReport.Sex.FEMALE,
        person_age=TipReport.AgeGroup.ELDERLY,
        appearance="白发，拄着拐杖",
        reporter_name="陈女士（演示）",
        hours_ago=0.7,
        steps=(("nanning", A.ACKNOWLEDGE, {"note": "已电话联系附近社区。"}),),
    ),
    DemoTip(
        area="450105",
        category=TipReport.Category.DISTRESS,
        place_text="江南示范公园南门长椅",
        description="有人躺在公园长椅上，叫他没有反应，看起来生病了。" + DEMO_MARKER,
        person_age=TipReport.AgeGroup.ADULT,
        hours_ago=2,
        steps=(
            ("nanning", A.ACKNOWLEDGE, {}),
            ("nanning", A.DISPATCH, {"note": "外展车已出发，约20分钟到达。"}),
        ),
    ),
    DemoTip(
        area="450103",
        category=TipReport.Category.ELDERLY_LOST,
        place_text="示范路与演示街交叉口",
        description="一位老大爷在路口站了很久，说要回老家但不知道怎么坐车。" + DEMO_MARKER,
        person_sex=TipReport.Sex.MALE,
        person_age=TipReport.AgeGroup.ELDERLY,
        hours_ago=50,
        steps=(
            ("nanning", A.ACKNOWLEDGE, {}),
            ("nanning", A.DISPATCH, {}),
            (
                "nanning",
                A.RESOLVE,
                {"outcome": TipReport.Outcome.ESCORTED_HOME, "note": "已联系家属，护送返乡。"},
            ),
        ),
    ),
    DemoTip(
        area="450202",
        category=TipReport.Category.SLEEPING_ROUGH,
        place_text="演示江滨公园凉亭",
        description="凉亭里有人铺了纸板睡觉，已经好几天了。" + DEMO_MARKER,
        hours_ago=30,
        steps=(
            ("liuzhou", A.ACKNOWLEDGE, {}),
            (
                "liuzhou",
                A.CLOSE,
                {"reason": TipReport.CloseReason.FALSE_REPORT, "note": "现场核实无人。"},
            ),
        ),
    ),
    DemoTip(
        # Filed under 南宁 by mistake, moved to 柳州 by the coordinator, resolved there.
        area="450102",
        category=TipReport.Category.DISTRESS,
        place_text="柳州示范客运站候车厅",
        description="候车厅里一位妇女一直在哭，说钱包丢了回不了家。" + DEMO_MARKER,
        person_sex=TipReport.Sex.FEMALE,
        person_age=TipReport.AgeGroup.ADULT,
        hours_ago=75,
        steps=(
            ("coordinator", A.TRANSFER, {"station": "450200", "note": "地点在柳州客运站。"}),
            ("liuzhou", A.ACKNOWLEDGE, {}),
            ("liuzhou", A.RESOLVE, {"outcome": TipReport.Outcome.ADMITTED}),
        ),
    ),
)


def seed_late(ctx: SeedContext) -> None:
    """After the stations and demo accounts exist: the demo tips."""
    created = sum(1 for spec in DEMO_TIPS if ensure_demo_tip(spec))
    ctx.say(f"{created} demo tips added ({len(DEMO_TIPS)} in all).")
    history = ensure_history()
    if history:
        ctx.say(f"{history} anonymised tips of the past year added for the statistics page.")


def ensure_demo_tip(spec: DemoTip) -> TipReport | None:
    """File and work one demo tip unless it exists; return it if it was created."""
    if TipReport.objects.filter(description=spec.description).exists():
        return None
    now = timezone.now()
    receipt = submit_tip(
        TipSubmission(
            category=spec.category,
            urgency=spec.urgency,
            seen_at=now - timedelta(minutes=20),
            consent_forwarding=True,
            area=Area.objects.get(code=spec.area),
            place_text=spec.place_text,
            person_sex=spec.person_sex,
            person_age=spec.person_age,
            clothing=spec.clothing,
            appearance=spec.appearance,
            description=spec.description,
            reporter_name=spec.reporter_name,
        )
    )
    users = get_user_model().objects
    for username, action, params in spec.steps:
        if "station" in params:
            params = {**params, "station": Station.objects.get(code=params["station"])}
        perform(receipt.tip.pk, action, users.get(username=username), **params)
    move_back(receipt.tip, timedelta(hours=spec.hours_ago))
    return receipt.tip


def move_back(tip: TipReport, delta: timedelta) -> None:
    """Shift every time of a tip, its timeline and its log entries back by ``delta``."""
    times = (
        "created_at",
        "seen_at",
        "acknowledge_due_at",
        "resolve_due_at",
        "acknowledged_at",
        "finished_at",
    )
    TipReport.objects.filter(pk=tip.pk).update(**{name: F(name) - delta for name in times})
    TipEvent.objects.filter(tip=tip).update(created_at=F("created_at") - delta)
    TipLogEntry.objects.for_instance(tip).update(timestamp=F("timestamp") - delta)


# --- Demo history for /statistics/ ---------------------------------------------------------------
# A year of already-anonymised, finished tips (no place, no description, no contact) so the
# statistics page shows real charts in a fresh run. Written in bulk with their timelines;
# recognised by HISTORY_CODE_HASH, an unusable secret-code hash (no status lookup matches it).

HISTORY_CODE_HASH = "!demo-history"
HISTORY_TIME = ZoneInfo("Asia/Shanghai")
HISTORY_STATIONS = ("450100", "450200")
# Typical tips per month by category; each month varies around these (some stay below 5, so
# the page shows its "<5" masking).
HISTORY_BASE = {
    TipReport.Category.SLEEPING_ROUGH: 14,
    TipReport.Category.MINOR: 4,
    TipReport.Category.ELDERLY_LOST: 9,
    TipReport.Category.DISTRESS: 7,
    TipReport.Category.OTHER: 3,
}
HISTORY_OUTCOMES = (
    TipReport.Outcome.ADMITTED,
    TipReport.Outcome.ESCORTED_HOME,
    TipReport.Outcome.HOSPITAL,
    TipReport.Outcome.DECLINED,
    TipReport.Outcome.NOT_FOUND,
)


def history_plan(now):
    """(created_at, category, acknowledge minutes, resolve hours) for each history tip: the
    eleven months before this one, oldest first, the same on every run of the same month."""
    today = timezone.localtime(now, HISTORY_TIME).date()
    months = [
        ((today.year * 12 + today.month - 1 - back) // 12, (today.month - 1 - back) % 12 + 1)
        for back in range(11, 0, -1)
    ]
    plan = []
    for i, (year, month) in enumerate(months):
        for c, (category, base) in enumerate(HISTORY_BASE.items()):
            count = max(0, base + (i * 7 + c * 3) % 5 - 2)
            for n in range(count):
                day = 2 + (n * 5 + c * 3 + i) % 25
                hour = 7 + (n * 3 + c) % 14
                created = datetime(year, month, day, hour, (n * 17) % 60, tzinfo=HISTORY_TIME)
                wait_minutes = 6 + (n * 13 + c * 7 + i * 5) % 95
                plan.append((created, category, wait_minutes, 2 + (n + c) % 30))
    return plan


def ensure_history(now=None) -> int:
    """Write the history unless it exists; return how many tips were written."""
    from tip_reports.intake import new_reference

    if TipReport.objects.filter(secret_code_hash=HISTORY_CODE_HASH).exists():
        return 0
    now = now or timezone.now()
    stations = list(Station.objects.filter(code__in=HISTORY_STATIONS).select_related("area"))
    if not stations:
        return 0
    plan = history_plan(now)
    tips = []
    for n, (created, category, wait, resolve_hours) in enumerate(plan):
        station = stations[n % len(stations)]
        acknowledged = created + timedelta(minutes=wait)
        finished = acknowledged + timedelta(hours=resolve_hours)
        tips.append(
            TipReport(
                reference=new_reference(),
                secret_code_hash=HISTORY_CODE_HASH,
                category=category,
                area=station.area,
                seen_at=created - timedelta(minutes=15),
                consent_forwarding=True,
                station=station,
                status=TipReport.Status.RESOLVED,
                outcome=HISTORY_OUTCOMES[n % len(HISTORY_OUTCOMES)],
                acknowledged_at=acknowledged,
                finished_at=finished,
                personal_data_purged_at=now,
            )
        )
    TipReport.objects.bulk_create(tips, batch_size=200)
    events = []
    for tip, (created, *_rest) in zip(tips, plan, strict=True):
        tip.created_at = created
        tip.updated_at = tip.finished_at
        received, resolved = TipReport.Status.RECEIVED, TipReport.Status.RESOLVED
        acknowledged = TipReport.Status.ACKNOWLEDGED
        for kind, when, before, after in (
            (TipEvent.Kind.RECEIVED, created, "", received),
            (TipEvent.Kind.ROUTED, created, "", ""),
            (TipEvent.Kind.STATUS, tip.acknowledged_at, received, acknowledged),
            (TipEvent.Kind.STATUS, tip.finished_at, acknowledged, resolved),
        ):
            event = TipEvent(
                tip=tip, kind=kind, from_status=before, to_status=after, station=tip.station
            )
            event.when = when
            events.append(event)
    TipReport.objects.bulk_update(tips, ["created_at", "updated_at"], batch_size=200)
    TipEvent.objects.bulk_create(events, batch_size=500)
    for event in events:
        event.created_at = event.when
    TipEvent.objects.bulk_update(events, ["created_at"], batch_size=500)
    return len(tips)
