"""Demo content: the notice index at /notices/ (Chinese and English) with the "notice review"
workflow, and about 30 fictional family-search notices across the cities' stations.

Every person here is invented. Portraits are drawn placeholders (a plain head-and-shoulders
silhouette marked "示意图", i.e. "illustration"), never photos of real people. Private fields
hold obviously fictional values starting with "演示" so privacy tests can look for them.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.images import ImageFile
from django.utils import timezone

from wagtail.images.models import Image
from wagtail.models import Collection

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from notices.models import (
    FamilySearchNoticePage,
    NoticeIndexPage,
    NoticePhoto,
    NoticeStatusChange,
)
from notices.private import set_private_record
from notices.review import ensure_review_workflow
from portal.demo import SeedContext, default_site, ensure_child_page
from stations.models import Area, Station

PORTRAIT_ALT = "示意图：非真实人物照片"
PORTRAIT_TITLE = "示意图：演示头像 {}"
PORTRAIT_MARK = "示意图"
DEMO_SLUG_PREFIX = "demo-notice-"
# Marks in private fields: never on a public page (tests search the HTML for these).
DEMO_ESCORTING_UNIT = "演示派出所"
DEMO_HEALTH_PREFIX = "演示："

S = FamilySearchNoticePage.Sex
D = FamilySearchNoticePage.Dialect
B = FamilySearchNoticePage.Build
ST = FamilySearchNoticePage.Status

# Soft colours: (background, figure) per portrait; male, female and child shapes alternate.
PORTRAITS = [
    ("male", (214, 228, 240), (120, 144, 170)),
    ("female", (240, 222, 226), (170, 128, 140)),
    ("male", (226, 236, 220), (128, 152, 118)),
    ("female", (238, 232, 214), (160, 146, 112)),
    ("child", (222, 232, 242), (118, 140, 176)),
    ("male", (236, 226, 240), (146, 126, 164)),
]

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
]

# (city code, county index, sex, ages, heights, build, dialect, dialect note, features,
#  clothing, memories, found place, days ago, status, minor, self-reported name)
NOTICES = [
    (
        "450100",
        1,
        S.MALE,
        (55, 65),
        (160, 166),
        B.SLIM,
        D.PINGHUA,
        "说南宁白话，夹杂平话",
        "左手背有烫伤疤痕，右眉尾有一颗黑痣",
        "灰色夹克，蓝色运动裤，黑色布鞋",
        "记得家门口有一棵大榕树，小时候在河边放过牛",
        "民族大道公交站附近",
        6,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450100",
        3,
        S.FEMALE,
        (70, 80),
        (148, 153),
        B.SLIM,
        D.ZHUANG,
        "会说壮话，普通话较少",
        "满头白发，左耳垂有裂口，走路需要拐杖",
        "深蓝色对襟上衣，黑色长裤，手提红色塑料袋",
        "说自己有三个儿子，大儿子叫阿明",
        "西乡塘区菜市场门口",
        12,
        ST.SEEKING,
        False,
        "黄阿婆",
    ),
    (
        "450200",
        0,
        S.MALE,
        (35, 45),
        (168, 172),
        B.MEDIUM,
        D.GUILIU,
        "桂柳话，口音偏柳州",
        "右小腿有一条约十厘米的手术疤痕",
        "黑色短袖T恤，迷彩裤，拖鞋",
        "记得在一家汽修厂做过学徒，厂门口有个大铁门",
        "柳江河边步道",
        3,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450200",
        2,
        S.MALE,
        (60, 70),
        (158, 163),
        B.SLIM,
        D.GUILIU,
        "",
        "门牙缺一颗，左手无名指弯曲",
        "旧军绿色棉衣，灰色裤子",
        "记得村里有座石拱桥，桥边有庙",
        "柳南区火车站广场",
        40,
        ST.SEEKING,
        False,
        "老韦",
    ),
    (
        "450300",
        1,
        S.FEMALE,
        (25, 35),
        (155, 160),
        B.MEDIUM,
        D.GUILIU,
        "桂林口音",
        "长发扎马尾，右手腕有一圈红绳",
        "白色连衣裙，外套灰色针织开衫",
        "会唱山歌，说家里种金桔",
        "叠彩区滨江路",
        9,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450300",
        4,
        S.MALE,
        (12, 14),
        (145, 150),
        B.SLIM,
        D.SOUTHWESTERN,
        "带湖南口音",
        "额头有一道浅疤，左耳后有胎记",
        "蓝白校服上衣，牛仔裤，红色书包",
        "说学校旁边有个篮球场",
        "汽车客运站候车厅",
        2,
        ST.SEEKING,
        True,
        "小杰",
    ),
    (
        "450400",
        0,
        S.MALE,
        (45, 55),
        (165, 170),
        B.HEAVY,
        D.CANTONESE,
        "梧州白话",
        "光头，后颈有一颗较大的痣",
        "红色格子衬衫，黑色西裤",
        "记得以前在码头搬过货",
        "万秀区骑楼城附近",
        15,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450400",
        3,
        S.FEMALE,
        (60, 70),
        (150, 155),
        B.MEDIUM,
        D.CANTONESE,
        "",
        "戴老花镜，左手戴一只玉镯",
        "碎花上衣，黑色长裤，绣花布鞋",
        "记得家里养过一只黄狗",
        "苍梧县农贸市场",
        28,
        ST.REUNITED,
        False,
        "",
    ),
    (
        "450500",
        1,
        S.MALE,
        (50, 60),
        (170, 175),
        B.SLIM,
        D.CANTONESE,
        "北海白话，讲话慢",
        "皮肤黝黑，双手手掌有老茧",
        "白色背心，蓝色短裤，解放鞋",
        "说自己以前出海打鱼，船叫“海发”",
        "侨港镇海边",
        7,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450500",
        3,
        S.FEMALE,
        (40, 50),
        (157, 162),
        B.MEDIUM,
        D.HAKKA,
        "客家话和普通话",
        "右脸颊有一颗小痣，短卷发",
        "紫色外套，黑色打底裤",
        "记得家附近有个大水塘，种了很多荷花",
        "合浦县汽车站",
        21,
        ST.SEEKING,
        False,
        "阿芳",
    ),
    (
        "450600",
        3,
        S.MALE,
        (30, 40),
        (172, 178),
        B.MEDIUM,
        D.MANDARIN,
        "普通话带东北口音",
        "左前臂有“忍”字纹身",
        "黑色羽绒服，灰色运动裤",
        "记得小时候冬天下很大的雪",
        "东兴市口岸附近",
        5,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450600",
        1,
        S.FEMALE,
        (65, 75),
        (145, 150),
        B.SLIM,
        D.CANTONESE,
        "防城白话",
        "驼背，右眼有白内障",
        "褐色毛衣，黑色裤子",
        "说女儿在广东打工",
        "防城区中心市场",
        33,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450700",
        0,
        S.MALE,
        (20, 30),
        (165, 170),
        B.SLIM,
        D.CANTONESE,
        "钦州白话",
        "说话不太清楚，左手有六个手指",
        "黄色卫衣，黑色裤子",
        "记得家门前有条铁路，常看火车",
        "钦南区高铁站",
        4,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450700",
        2,
        S.FEMALE,
        (10, 12),
        (135, 140),
        B.SLIM,
        D.CANTONESE,
        "灵山口音",
        "扎两个小辫子，门牙有缝",
        "粉色外套，牛仔裤，白色运动鞋",
        "说家里有个弟弟叫阿宝",
        "灵山县城广场",
        1,
        ST.SEEKING,
        True,
        "小红",
    ),
    (
        "450800",
        0,
        S.MALE,
        (65, 75),
        (160, 165),
        B.SLIM,
        D.CANTONESE,
        "贵港白话",
        "耳背，左腿走路有点跛",
        "灰色中山装，布鞋",
        "记得年轻时在糖厂上班",
        "港北区荷花公园",
        11,
        ST.SEEKING,
        False,
        "陈伯",
    ),
    (
        "450800",
        3,
        S.MALE,
        (40, 50),
        (168, 173),
        B.MEDIUM,
        D.OTHER,
        "说话夹杂粤语和普通话",
        "脖子右侧有一块红色胎记",
        "蓝色工装，胶鞋",
        "记得在工地开过挖掘机",
        "平南县大桥下",
        19,
        ST.WITHDRAWN,
        False,
        "",
    ),
    (
        "450900",
        0,
        S.FEMALE,
        (50, 60),
        (152, 157),
        B.HEAVY,
        D.CANTONESE,
        "玉林白话",
        "右手腕有一块烫伤疤，戴金耳环",
        "红色棉袄，黑色裤子",
        "说家里开过米粉店",
        "玉州区大南路",
        8,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450900",
        3,
        S.MALE,
        (70, 80),
        (155, 160),
        B.SLIM,
        D.HAKKA,
        "陆川客家话",
        "白胡子，左手小指缺一节",
        "黑色棉帽，深灰外套",
        "记得村口有棵几百年的老樟树",
        "陆川县温泉路",
        45,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451000",
        0,
        S.MALE,
        (35, 45),
        (160, 165),
        B.SLIM,
        D.ZHUANG,
        "壮话，普通话不流利",
        "右耳戴一个银耳钉，左手背有刺青",
        "蓝色冲锋衣，黑色裤子",
        "说家在山上，要走很远的路才到镇上",
        "右江区百色起义纪念公园",
        10,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451000",
        3,
        S.FEMALE,
        (30, 40),
        (150, 155),
        B.SLIM,
        D.ZHUANG,
        "德保壮话",
        "头发很长，左眉有一道小疤",
        "民族服饰上衣，黑色长裙",
        "记得家里种芒果和八角",
        "德保县城客运站",
        26,
        ST.REUNITED,
        False,
        "",
    ),
    (
        "451100",
        0,
        S.MALE,
        (55, 65),
        (163, 168),
        B.MEDIUM,
        D.HAKKA,
        "贺州客家话",
        "秃顶，双手有冻疮痕",
        "灰色毛衣，黑色外套，拖鞋",
        "说自己会做豆腐酿",
        "八步区灵峰广场",
        14,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451100",
        2,
        S.FEMALE,
        (15, 17),
        (155, 160),
        B.SLIM,
        D.MANDARIN,
        "普通话，带少许本地口音",
        "戴黑框眼镜，左手腕有一道浅疤",
        "黑色卫衣，格子裙",
        "说学校附近有一家奶茶店",
        "昭平县城汽车站",
        3,
        ST.SEEKING,
        True,
        "",
    ),
    (
        "451200",
        0,
        S.MALE,
        (45, 55),
        (158, 163),
        B.SLIM,
        D.ZHUANG,
        "壮话和桂柳话",
        "脸上有很多雀斑，右手有一道刀疤",
        "绿色外套，蓝色裤子",
        "记得家附近有个溶洞",
        "金城江区火车站",
        17,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451200",
        2,
        S.FEMALE,
        (75, 85),
        (142, 147),
        B.SLIM,
        D.SOUTHWESTERN,
        "南丹口音",
        "耳朵有银耳环，牙齿几乎掉光",
        "黑色头巾，深蓝色衣服",
        "说孙子在南宁读大学",
        "南丹县城菜市",
        36,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451300",
        0,
        S.MALE,
        (25, 35),
        (170, 175),
        B.MEDIUM,
        D.GUILIU,
        "来宾桂柳话",
        "左眼角有一道小疤，理平头",
        "白色衬衫，黑色牛仔裤",
        "记得家里有台红色拖拉机",
        "兴宾区人民公园",
        6,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451300",
        3,
        S.UNKNOWN,
        (60, 80),
        (155, 162),
        B.SLIM,
        D.UNKNOWN,
        "不说话",
        "头发花白，双手指甲很长",
        "灰色棉衣，裤腿卷起",
        "暂无可记录的回忆",
        "武宣县城桥头",
        22,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451400",
        0,
        S.MALE,
        (50, 60),
        (162, 167),
        B.SLIM,
        D.ZHUANG,
        "左州壮话",
        "左手背有烫伤疤痕，腰间系一根布带",
        "蓝色短袖，卡其色长裤",
        "记得家门口有一棵大榕树，树下有口井",
        "江州区丽江边",
        9,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "451400",
        3,
        S.FEMALE,
        (35, 45),
        (153, 158),
        B.MEDIUM,
        D.ZHUANG,
        "龙州壮话，会说一点越南话",
        "右手戴红绳，脸上有晒斑",
        "花格子衬衫，黑色长裤",
        "说家旁边有一座很高的山，山上有塔",
        "龙州县边贸市场",
        13,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450100",
        5,
        S.MALE,
        (80, 90),
        (152, 158),
        B.SLIM,
        D.PINGHUA,
        "说平话",
        "戴助听器，左手腕有一块老年斑",
        "灰色毛背心，黑色长裤",
        "记得家门前有一条小河，常去钓鱼",
        "邕宁区公园",
        2,
        ST.SEEKING,
        False,
        "",
    ),
    (
        "450300",
        6,
        S.FEMALE,
        (45, 55),
        (158, 163),
        B.MEDIUM,
        D.XIANG,
        "湖南口音",
        "右耳有两个耳洞，烫过卷发",
        "米色风衣，黑色皮鞋",
        "说家乡吃饭要放很多辣椒",
        "阳朔县西街附近",
        18,
        ST.SEEKING,
        False,
        "",
    ),
]

SEX_WORDS = {S.MALE: "男子", S.FEMALE: "女子", S.UNKNOWN: "人员"}
MINOR_WORDS = {S.MALE: "男孩", S.FEMALE: "女孩", S.UNKNOWN: "儿童"}


def _font(size: int):
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size), False


def draw_portrait(shape: str, background, figure) -> bytes:
    """A 300×400 head-and-shoulders silhouette marked 示意图 (illustration): no face, no
    features, plainly not a photo."""
    width, height = 300, 400
    image = PILImage.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    scale = 0.8 if shape == "child" else 1.0
    head_r = int(62 * scale)
    head_cy = int(165 + (1 - scale) * 80)
    # Shoulders: a wide rounded shape rising from the bottom edge.
    shoulder_w = int(230 * scale)
    top = head_cy + head_r + 10
    draw.rounded_rectangle(
        [(width - shoulder_w) // 2, top, (width + shoulder_w) // 2, height + 80],
        radius=int(90 * scale),
        fill=figure,
    )
    draw.rectangle([width // 2 - 24, head_cy + head_r - 10, width // 2 + 24, top + 10], fill=figure)
    draw.ellipse(
        [width // 2 - head_r, head_cy - head_r, width // 2 + head_r, head_cy + head_r], fill=figure
    )
    if shape == "female":  # longer hair at the sides
        draw.ellipse(
            [
                width // 2 - head_r - 12,
                head_cy - head_r - 6,
                width // 2 + head_r + 12,
                head_cy + head_r + 40,
            ],
            outline=figure,
            width=14,
        )
    font, cjk = _font(44)
    label = PORTRAIT_MARK if cjk else "ILLUSTRATION"
    box = draw.textbbox((0, 0), label, font=font)
    text_w, text_h = box[2] - box[0], box[3] - box[1]
    x, y = (width - text_w) // 2, 22
    draw.rounded_rectangle(
        [x - 14, y - 8, x + text_w + 14, y + text_h + 20], radius=10, fill=(255, 255, 255)
    )
    draw.text((x, y), label, font=font, fill=(90, 90, 90))
    small, _cjk = _font(18)
    note = "非真实人物" if cjk else "not a real person"
    box = draw.textbbox((0, 0), note, font=small)
    draw.text(
        ((width - (box[2] - box[0])) // 2, height - 36), note, font=small, fill=(255, 255, 255)
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def ensure_portraits() -> list[Image]:
    collection = Collection.get_first_root_node()
    portraits = []
    for number, (shape, background, figure) in enumerate(PORTRAITS, start=1):
        title = PORTRAIT_TITLE.format(number)
        image = Image.objects.filter(title=title).first()
        if image is None:
            data = draw_portrait(shape, background, figure)
            image = Image(
                title=title,
                collection=collection,
                file=ImageFile(io.BytesIO(data), name=f"demo-portrait-{number}.jpg"),
            )
            image.save()
        portraits.append(image)
    return portraits


def portrait_for(portraits, number: int, sex: str, minor: bool):
    shapes = [PORTRAITS[i][0] for i in range(len(portraits))]
    wanted = "child" if minor else ("female" if sex == S.FEMALE else "male")
    candidates = [p for p, shape in zip(portraits, shapes, strict=True) if shape == wanted]
    return candidates[number % len(candidates)]


def ensure_notices(index: NoticeIndexPage) -> int:
    today = timezone.localdate()
    portraits = ensure_portraits()
    stations = {s.code: s for s in Station.objects.filter(code__in={n[0] for n in NOTICES})}
    existing = set(
        FamilySearchNoticePage.objects.child_of(index)
        .filter(slug__startswith=DEMO_SLUG_PREFIX)
        .values_list("slug", flat=True)
    )
    created = 0
    for number, row in enumerate(NOTICES, start=1):
        (
            code,
            county_index,
            sex,
            ages,
            heights,
            build,
            dialect,
            dialect_note,
            features,
            clothing,
            memories,
            place,
            days_ago,
            status,
            minor,
            name,
        ) = row
        slug = f"{DEMO_SLUG_PREFIX}{number:02d}"
        if slug in existing or code not in stations:
            continue
        station = stations[code]
        counties = list(Area.objects.filter(parent__code=code).order_by("code"))
        county = counties[county_index % len(counties)] if counties else station.area
        who = (MINOR_WORDS if minor else SEX_WORDS)[sex]
        where = place if place.startswith(county.name) else f"{county.name}{place}"
        found = today - timedelta(days=days_ago)
        page = FamilySearchNoticePage(
            slug=slug,
            title=f"{where}发现的{who}（约{ages[0]}–{ages[1]}岁）",
            station=station,
            name=name,
            name_is_self_reported=True,
            sex=sex,
            age_min=ages[0],
            age_max=ages[1],
            height_min_cm=heights[0],
            height_max_cm=heights[1],
            build=build,
            dialect=dialect,
            dialect_note=dialect_note,
            features=features,
            clothing=clothing,
            memories=memories,
            found_date=found,
            found_area=county,
            found_place=place,
            intake_date=found if number % 3 else min(found + timedelta(days=1), today),
            is_minor=minor,
            status=status,
            reunion_note=(
                "经公安机关比对确认身份，已由家属接回。感谢热心市民提供线索。"
                if status == ST.REUNITED
                else ""
            ),
            reunion_note_consented=status == ST.REUNITED,
        )
        page.photos.add(
            NoticePhoto(
                image=portrait_for(portraits, number, sex, minor),
                alt_text=PORTRAIT_ALT,
                is_face=True,
            )
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        set_private_record(
            page,
            escorting_unit=f"{DEMO_ESCORTING_UNIT}（{county.name}）",
            health_notes=f"{DEMO_HEALTH_PREFIX}{['血压偏高', '轻度糖尿病', '左膝关节炎', '无明显不适'][number % 4]}",
        )
        if status != ST.SEEKING:
            NoticeStatusChange.objects.create(page=page, from_status=ST.SEEKING, to_status=status)
        created += 1
    return created


def seed(ctx: SeedContext) -> None:
    index = ensure_child_page(
        default_site().root_page,
        NoticeIndexPage,
        "notices",
        title="寻亲公告",
        introduction="救助管理站发布的寻亲公告。如果您认识公告中的人员，请与救助站联系。",
        en={
            "title": "Family-search notices",
            "introduction": "Family-search notices published by the rescue stations. If you recognise someone, please contact the station.",
        },
    )
    ensure_review_workflow(
        *NoticeIndexPage.objects.filter(
            pk__in=[index.pk, *index.get_translations().values_list("pk", flat=True)]
        )
    )


def seed_late(ctx: SeedContext) -> None:
    """Notices come after the stations (seed phase) exist."""
    index = (
        NoticeIndexPage.objects.child_of(default_site().root_page).filter(slug="notices").first()
    )
    if index is None:
        return
    created = ensure_notices(index)
    total = FamilySearchNoticePage.objects.child_of(index).count()
    ctx.say(f"{total} family-search notices ready ({created} new).")
