"""Demo content: the explainer index at /policies/ and five explainers in Chinese and English,
written in the project's own plain words from public facts.

Sources were checked where this module gives a document number or date (see
docs/decisions.md, "Policy explainers (issue 6)"); where a number or date could not be
confirmed the field is left empty rather than guessed. The attachments and the flow diagram
are generated here (small PDF and text files, a drawn PNG): nothing is downloaded.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, Page

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from portal.demo import SeedContext, default_site, english_locale, ensure_child_page

from .models import (
    Audience,
    PolicyAttachment,
    PolicyExplainerPage,
    PolicyIndexPage,
    PolicyTopic,
    RelatedExplainer,
)
from .review import ensure_review_workflow
from .taxonomy import ensure_taxonomy

S = PolicyExplainerPage.SourceStatus

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
]


# --- Block builders ---------------------------------------------------------------------------


def h2(text):
    return ("heading", {"text": text, "level": "h2"})


def h3(text):
    return ("heading", {"text": text, "level": "h3"})


def para(html):
    return ("paragraph", html)


def steps(*items):
    keys = ("title", "description", "who", "where", "documents", "time_limit")
    rows = []
    for item in items:
        row = dict.fromkeys(keys, "")
        row.update(item)
        rows.append(row)
    return ("steps", {"steps": rows})


def faq(*pairs):
    return ("faq", {"questions": [{"question": q, "answer": a} for q, a in pairs]})


def comparison(caption, aspect, first, second, rows):
    return (
        "comparison",
        {
            "caption": caption,
            "aspect_heading": aspect,
            "first_heading": first,
            "second_heading": second,
            "rows": [{"aspect": a, "first": f, "second": s} for a, f, s in rows],
        },
    )


def callout(tone, title, text):
    return ("callout", {"tone": tone, "title": title, "text": text})


def described_image(image, alt, long_description, caption=""):
    return (
        "image",
        {"image": image, "alt_text": alt, "caption": caption, "long_description": long_description},
    )


def page_link(page, text):
    if page is None:
        return text
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


# --- Generated files --------------------------------------------------------------------------


def _font(size: int):
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _text_sheet(title: str, lines: list[str], width=1240, height=1754) -> PILImage.Image:
    """An A4 page at 150 dpi with a title and numbered lines (wrapped by characters)."""
    sheet = PILImage.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    title_font, body_font, small = _font(56), _font(34), _font(26)
    draw.rectangle([0, 0, width, 150], fill=(11, 79, 108))
    draw.text((80, 45), title, font=title_font, fill=(255, 255, 255))
    y = 220
    for line in lines:
        words = list(line)
        current = ""
        for char in words:
            if draw.textlength(current + char, font=body_font) > width - 200:
                draw.text((100, y), current, font=body_font, fill=(26, 31, 36))
                y += 54
                current = ""
            current += char
        draw.text((100, y), current, font=body_font, fill=(26, 31, 36))
        y += 80
    draw.text(
        (80, height - 90), "归途 Guitu · 演示材料 Demo material", font=small, fill=(74, 85, 96)
    )
    return sheet


def ensure_document(title: str, filename: str, make_bytes) -> Document:
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, collection=Collection.get_first_root_node())
        document.file.save(filename, ContentFile(make_bytes()), save=False)
        document.save()
    return document


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    out = io.BytesIO()
    _text_sheet(title, lines).save(out, "PDF", resolution=150.0)
    return out.getvalue()


def text_bytes(title: str, lines: list[str]) -> bytes:
    return ("\n".join([title, "=" * 20, "", *lines, "", "归途 Guitu"]) + "\n").encode("utf-8")


def flow_diagram(labels: list[str]) -> bytes:
    """A left-to-right chain of rounded boxes joined by arrows, as a PNG."""
    box_w, box_h, gap, margin = 200, 130, 48, 30
    width = 2 * margin + len(labels) * box_w + (len(labels) - 1) * gap
    height = 260
    image = PILImage.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = _font(26)
    x = margin
    for number, label in enumerate(labels, start=1):
        draw.rounded_rectangle(
            [x, 60, x + box_w, 60 + box_h],
            radius=18,
            fill=(232, 242, 246),
            outline=(11, 79, 108),
            width=4,
        )
        draw.text((x + 16, 72), str(number), font=font, fill=(11, 79, 108))
        lines, current = [], ""
        for char in label:
            if draw.textlength(current + char, font=font) > box_w - 30:
                lines.append(current)
                current = ""
            current += char
        lines.append(current)
        for row, text in enumerate(lines[:3]):
            draw.text((x + 16, 104 + row * 30), text, font=font, fill=(26, 31, 36))
        if number < len(labels):
            ax = x + box_w + 6
            draw.line([ax, 125, ax + gap - 14, 125], fill=(26, 31, 36), width=5)
            draw.polygon(
                [(ax + gap - 8, 125), (ax + gap - 22, 113), (ax + gap - 22, 137)], fill=(26, 31, 36)
            )
        x += box_w + gap
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def ensure_image(title: str, filename: str, data: bytes) -> Image:
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title, collection=Collection.get_first_root_node())
        image.file = ImageFile(io.BytesIO(data), name=filename)
        image.save()
    return image


# --- The explainers ---------------------------------------------------------------------------


SECTION_TYPES = {
    ("stations", "stationdirectorypage"): "stations",
    ("tip_reports", "reportpage"): "report",
    ("notices", "noticeindexpage"): "notices",
}


def _sections(home: Page) -> dict:
    """The station directory, report page and notice index below ``home`` (for page links),
    found by content type so that policies imports neither notices nor tip_reports."""
    found = {}
    for child in home.get_children().live().select_related("content_type"):
        key = SECTION_TYPES.get((child.content_type.app_label, child.content_type.model))
        if key:
            found.setdefault(key, child)
    return found


def how_to_ask(links, files, lang):
    report, stations = links.get("report"), links.get("stations")
    if lang == "zh":
        return {
            "title": "如何求助，或为需要帮助的人报告",
            "summary": "离家在外、无力解决吃住的人，可以随时向救助站求助，救助免费、自愿。看到有人需要帮助，也可以打电话或在网上告诉我们。",
            "change_note": "补充了在网上报告的步骤。",
            "attachment_title": "求助流程一页纸",
            "body": [
                h2("谁可以得到救助"),
                para(
                    "<p>救助站帮助的是离家在外、自己无力解决吃住、又没有亲友可以投靠的人，例如露宿街头的人、走失的老人、独自在外的未成年人，以及突发疾病、一时回不了家的人。</p>"
                    "<p>按照规定，已经享受城市最低生活保障或农村五保供养的人，生活困难一般通过当地的社会救助解决。拿不准自己能不能得到救助，可以先打电话问救助站。</p>"
                ),
                para(
                    "<p>救助是<b>临时的、自愿的、免费的</b>：救助站不向受助人、亲属或所在单位收取费用；受助人想离开，事先告诉工作人员即可。未成年人和不能自己作决定的人离站，需要经过救助站同意，以保证安全。</p>"
                ),
                h2("怎样求助"),
                steps(
                    {
                        "title": "联系救助站",
                        "description": f"<p>不知道最近的救助站在哪里，可以查看{page_link(stations, '救助站名录')}，或拨打12345询问。</p>",
                        "who": "本人，或陪同的亲友、路人",
                        "where": "就近的救助站；也可以拨打24小时救助热线，或请民警帮忙",
                        "time_limit": "全天24小时",
                    },
                    {
                        "title": "如实说明基本情况",
                        "description": "<p>工作人员会询问姓名、年龄、户籍地、为什么流落在外、亲属的联系方式等。因为年老、年幼、残疾等原因说不清楚的，救助站会先救助，再帮助查明情况。</p>",
                        "who": "本人",
                        "where": "救助站的登记窗口",
                        "documents": "身份证或其他能证明身份的证件（没有也可以求助）\n随身携带的物品（在救助站登记）",
                    },
                    {
                        "title": "接受救助",
                        "description": "<p>救助站按需要提供：符合卫生要求的食物；基本的住处；突发急病时送医院救治；帮助联系亲属或所在单位；没有路费回家的，提供乘车凭证。</p>",
                        "who": "救助站工作人员",
                    },
                    {
                        "title": "离站或返乡",
                        "description": "<p>救助是临时的，救助站会和受助人一起安排回家或其他去处。</p>",
                        "who": "本人；未成年人等由亲属或有关方面接回",
                        "time_limit": "一般不超过10天，特殊情况可以延长",
                    },
                ),
                h2("看到有人需要帮助时"),
                steps(
                    {
                        "title": "先判断是否紧急",
                        "description": "<p>有人受伤、发病、处于危险中，或者是独自一人的孩子，请立即拨打110或120。</p>",
                        "time_limit": "立即",
                    },
                    {
                        "title": "告诉救助站",
                        "description": f"<p>拨打24小时救助热线，或在网上{page_link(report, '报告需要帮助的人')}。请说清楚地点、时间，以及这个人的样子和情况。</p>",
                        "who": "任何人",
                        "where": "电话，或本网站的报告页面",
                    },
                    {
                        "title": "对方愿意时，引导或陪同前往救助站",
                        "description": "<p>不要强行带走任何人；对方拒绝，也请尊重。可以把救助站的地址和热线告诉对方。</p>",
                    },
                ),
                callout(
                    "warning",
                    "本网站不是紧急服务",
                    "<p>有人身处危险时，请直接拨打110或120，不要等待网上回复。</p>",
                ),
                h2("从收容遣送到自愿救助"),
                para(
                    "<p>2003年8月1日起施行的《城市生活无着的流浪乞讨人员救助管理办法》取代了1982年的《城市流浪乞讨人员收容遣送办法》，后者同时废止。下表对比了两种做法。</p>"
                ),
                comparison(
                    "1982年收容遣送办法与2003年救助管理办法的对比",
                    "事项",
                    "收容遣送（1982年，已废止）",
                    "救助管理（2003年起）",
                    [
                        (
                            "是否自愿",
                            "被收容的人必须服从收容、遣送",
                            "自愿求助；受助人事先告知就可以离开",
                        ),
                        (
                            "做什么",
                            "收容后遣送回原户口所在地",
                            "临时救助：吃住、急病送医、联系亲属、提供回家的乘车凭证",
                        ),
                        (
                            "由谁负责",
                            "民政、公安部门",
                            "民政部门负责救助，公安、卫生、交通、铁道、城管等部门在各自职责内配合",
                        ),
                    ],
                ),
                h2("常见问题"),
                faq(
                    (
                        "求助要花钱吗？",
                        "<p>不要。救助站的救助是免费的，不向受助人、亲属或所在单位收取费用。</p>",
                    ),
                    (
                        "没有身份证可以求助吗？",
                        "<p>可以。能说清楚的情况如实说明即可；因为年老、年幼、残疾等原因说不清楚的，救助站会先救助，再帮助查明情况。</p>",
                    ),
                    (
                        "可以在救助站住多久？",
                        "<p>救助是临时的，一般不超过10天；有特殊情况的可以延长。需要长期照料的人，救助站会和有关部门另作安排。</p>",
                    ),
                    (
                        "在网上报告以后，会有人联系我吗？",
                        "<p>报告会送到负责那个地区的救助站。你留了联系方式并同意转交的，工作人员可能打电话向你了解情况。报告后你会得到编号和查询码，可以用它们查看处理进度。</p>",
                    ),
                ),
            ],
        }
    return {
        "title": "How to ask for help, or tell us about someone who needs it",
        "summary": "Away from home with no food or bed? A rescue station helps for free, if you want it. You can also report others.",
        "change_note": "Added the steps for reporting online.",
        "attachment_title": "Asking for help: a one-page guide",
        "body": [
            h2("Who can get help"),
            para(
                "<p>Rescue stations help people who are away from home, cannot pay for food and a bed themselves, and have no family or friends to turn to: people sleeping rough, lost elderly people, children on their own, and people who fall ill and cannot get home.</p>"
                "<p>Under the rules, people who already receive the urban minimum living allowance or rural “five guarantees” support usually get help through their local social assistance. If you are not sure whether a station can help you, call it and ask.</p>"
            ),
            para(
                "<p>Help is <b>temporary, voluntary and free</b>: the station charges nothing to the person, their family or their employer, and anyone who wants to leave only has to tell the staff. Children, and adults who cannot decide for themselves, leave only with the station's agreement, for their safety.</p>"
            ),
            h2("How to ask for help"),
            steps(
                {
                    "title": "Contact a rescue station",
                    "description": f"<p>If you do not know where the nearest station is, look in the {page_link(stations, 'station directory')} or call 12345.</p>",
                    "who": "You, or a relative, friend or passer-by with you",
                    "where": "The nearest station; or call the 24-hour rescue hotline, or ask a police officer",
                    "time_limit": "Any time, day or night",
                },
                {
                    "title": "Say who you are and what happened",
                    "description": "<p>Staff ask your name, age, home town, why you are stranded and how to reach your family. If age, youth or disability make this hard, the station helps first and finds out later.</p>",
                    "who": "You",
                    "where": "The station's registration desk",
                    "documents": "Identity card or other proof of identity (you can ask for help without one)\nYour belongings (registered at the station)",
                },
                {
                    "title": "Receive help",
                    "description": "<p>As you need it: safe food; a bed; a hospital if you fall ill; help contacting your family or employer; a travel ticket home if you cannot pay the fare.</p>",
                    "who": "The station's staff",
                },
                {
                    "title": "Leave, or go home",
                    "description": "<p>Help is temporary; the station works out with you how to get home or where to go next.</p>",
                    "who": "You; children and others are collected by family or the authorities",
                    "time_limit": "Usually no more than 10 days; longer in special cases",
                },
            ),
            h2("When you see someone who needs help"),
            steps(
                {
                    "title": "Is it an emergency?",
                    "description": "<p>If someone is hurt, ill or in danger, or a child is alone, call 110 or 120 now.</p>",
                    "time_limit": "Now",
                },
                {
                    "title": "Tell the rescue station",
                    "description": f"<p>Call the 24-hour rescue hotline, or {page_link(report, 'tell us online about someone who needs help')}. Say where and when, what the person looks like and what is wrong.</p>",
                    "who": "Anyone",
                    "where": "By phone, or on this website's report page",
                },
                {
                    "title": "If they agree, show them the way or go with them",
                    "description": "<p>Never take anyone away by force, and respect a refusal. You can give them the station's address and hotline.</p>",
                },
            ),
            callout(
                "warning",
                "This website is not an emergency service",
                "<p>If someone is in danger, call 110 or 120 now; do not wait for an answer online.</p>",
            ),
            h2("From detention to voluntary help"),
            para(
                "<p>The Measures for the Administration of Relief for Vagrants and Beggars without Assured Living Sources in Cities, in force since 1 August 2003, replaced the 1982 Measures for Sheltering and Sending Back Urban Vagrants and Beggars, which were repealed at the same time. The table compares the two.</p>"
            ),
            comparison(
                "The 1982 detention rules and the 2003 relief rules compared",
                "Question",
                "Shelter and send back (1982, repealed)",
                "Relief (since 2003)",
                [
                    (
                        "Voluntary?",
                        "People taken in had to accept being held and sent back",
                        "People ask for help themselves and may leave after telling the staff",
                    ),
                    (
                        "What happens",
                        "Held, then sent back to where their household was registered",
                        "Temporary help: food, a bed, hospital care, contacting family, a ticket home",
                    ),
                    (
                        "Who is responsible",
                        "Civil affairs and the police",
                        "Civil affairs runs relief; police, health, transport, railway and city management help within their duties",
                    ),
                ],
            ),
            h2("Questions and answers"),
            faq(
                (
                    "Does help cost anything?",
                    "<p>No. Help from a rescue station is free; nothing is charged to the person, their family or their employer.</p>",
                ),
                (
                    "Can I ask for help without an identity card?",
                    "<p>Yes. Say what you can; if age, youth or disability make that hard, the station helps first and finds out later.</p>",
                ),
                (
                    "How long can I stay?",
                    "<p>Help is temporary: usually no more than 10 days, longer in special cases. For people who need long-term care the station makes other arrangements with the authorities.</p>",
                ),
                (
                    "Will someone contact me after I report online?",
                    "<p>Your report goes to the station responsible for that area. If you left your contact details and agreed to pass them on, staff may call you. You get a reference number and a code to check what has happened.</p>",
                ),
            ),
        ],
    }


def family_search(links, files, lang):
    notices, report = links.get("notices"), links.get("report")
    image = files["diagram"]
    if lang == "zh":
        return {
            "title": "说不清自己是谁的受助人员：怎样寻亲，怎样落户安置",
            "summary": "受助人员说不清自己是谁时，救助站和公安机关一起核查身份、发布寻亲公告；长期查不到的，依规落户安置，寻亲不停止。",
            "attachment_title": "寻亲时可以准备的资料",
            "body": [
                h2("谁会用到这个流程"),
                para(
                    "<p>有些受助人员因为年老、智力或精神障碍、疾病等原因，说不清自己的姓名和家在哪里。民政部门和公安机关按照各自的职责，为他们查询身份、寻找家人；实在找不到的，妥善照料，并办理落户安置。</p>"
                ),
                h2("身份查询和寻亲"),
                described_image(
                    image,
                    "寻亲流程示意图，共五步",
                    "寻亲流程共五步：第一步，民警护送到救助站并办理交接；第二步，救助站用指纹和体貌特征比对全国救助管理信息系统；第三步，未能确认身份的，24小时内发布寻亲公告；第四步，公安机关比对走失人口信息、DNA和人像；第五步，家属认领，救助站核实后安排回家。",
                    "示意图：身份查询和寻亲的五个步骤",
                ),
                steps(
                    {
                        "title": "护送和交接",
                        "description": "<p>民警在工作中发现需要帮助的人，会告诉他们可以向救助站求助；老人、未成年人、残疾人和行动不便的人，由民警引导或护送到救助站，双方办理交接手续。</p>",
                        "who": "公安民警、救助站工作人员",
                        "where": "救助站",
                    },
                    {
                        "title": "比对救助和寻亲信息",
                        "description": "<p>救助站通过指纹、体貌特征等线索，查询比对全国救助管理信息系统中的救助信息和寻亲信息；需要时请公安机关协助核查。</p>",
                        "who": "救助站",
                        "time_limit": "入站后尽快进行",
                    },
                    {
                        "title": "发布寻亲公告",
                        "description": f"<p>公布照片和有助于辨认的特征，请知情人联系救助站。本网站的{page_link(notices, '寻亲公告')}也会刊登。</p>",
                        "who": "救助站",
                        "where": "全国救助寻亲网站、本网站，以及报纸、广播电视等",
                        "time_limit": "身份未能确认的，入站后24小时内",
                    },
                    {
                        "title": "公安机关协助核查",
                        "description": "<p>公安机关可以比对走失人口信息，采集DNA样本、比对人像。受助人员可能是走失、被遗弃或被拐卖的，救助站会及时报案。</p>",
                        "who": "公安机关",
                    },
                    {
                        "title": "家属认领，安排回家",
                        "description": "<p>家属看到公告后联系救助站；救助站核实身份和亲属关系后，安排接回或护送回家。</p>",
                        "who": "家属、救助站",
                        "documents": "家属本人的身份证件\n能证明亲属关系的材料（以救助站的要求为准）",
                    },
                ),
                h2("长期查不到身份时：落户安置"),
                para(
                    "<p>用多种方式寻亲后，超过3个月仍无法查明身份的，救助站报告当地民政部门，由当地人民政府统筹安置。需要在福利机构长期照料的，公安机关按照规定，在该机构的集体户为其办理常住户口登记，之后可以办理身份证，按规定享受社会保障。</p>"
                ),
                steps(
                    {
                        "title": "整理档案，提出安置意见",
                        "who": "救助站、民政部门",
                        "description": "<p>整理寻亲记录和救助档案，提出安置去向。</p>",
                    },
                    {
                        "title": "申报户口",
                        "who": "负责安置的福利机构",
                        "where": "机构所在地的公安派出所",
                        "documents": "户口登记申请材料（由机构准备）\n民政部门的安置意见",
                    },
                    {
                        "title": "落户后继续寻亲",
                        "description": "<p>落户不等于放弃寻亲：以后查明身份或家人找来，仍会帮助其回家。</p>",
                        "who": "救助站、公安机关",
                    },
                ),
                comparison(
                    "落户安置前后有什么不同",
                    "事项",
                    "寻亲期间",
                    "落户安置以后",
                    [
                        ("身份", "暂时不明", "有常住户口，可以办理身份证"),
                        ("照料", "救助站或托养机构临时照料", "福利机构长期照料"),
                        ("社会保障", "由救助站保障基本生活", "按规定享受社会保障"),
                        ("寻亲", "持续进行", "继续进行"),
                    ],
                ),
                (
                    "document",
                    {
                        "document": files["checklist"],
                        "title": "寻亲时可以准备的资料",
                        "description": "联系救助站或公安机关之前，可以先对照这份清单准备。",
                    },
                ),
                callout(
                    "info",
                    "家人走失了？",
                    f"<p>请尽快向当地公安机关报警，查看本网站的{page_link(notices, '寻亲公告')}和全国救助寻亲网站，也可以拨打各地救助站的热线询问。</p>",
                ),
                h2("常见问题"),
                faq(
                    (
                        "寻亲公告会公开哪些信息？",
                        "<p>照片、性别、大致年龄、被发现的时间和地点、体貌特征等有助于辨认的信息。健康状况等隐私不会公开。</p>",
                    ),
                    (
                        "落户以后还能回家吗？",
                        "<p>能。落户安置后寻亲工作不停止；一旦查明身份或家人找来，救助站会核实情况并帮助其回到家人身边。</p>",
                    ),
                    (
                        "我觉得公告里的人是我的家人，怎么办？",
                        f"<p>在公告页面选择“我可能认识此人”留下联系方式，或直接拨打负责救助站的热线；也可以{page_link(report, '在网上告诉我们')}。请带好身份证件，以便工作人员核实。</p>",
                    ),
                ),
            ],
        }
    return {
        "title": "When a person in care cannot say who they are: family search and registration",
        "summary": "If a person in care cannot say who they are, we look for their family; if none is found, they are registered and housed.",
        "attachment_title": "What to bring when looking for a relative",
        "body": [
            h2("Who this is for"),
            para(
                "<p>Some people in a station's care cannot say their name or where home is, because of old age, a learning disability, mental illness or another illness. Civil affairs and the police, each within their duties, check who they are and look for their families; when no family can be found, the person is cared for and registered where they are.</p>"
            ),
            h2("Checking identity and searching for family"),
            described_image(
                image,
                "Diagram of the family search in five steps",
                "The family search has five steps. 1: the police bring the person to the station and hand them over. 2: the station compares fingerprints and appearance with the national rescue-management information system. 3: if identity is not confirmed, a family-search notice is published within 24 hours. 4: the police compare missing-person records, DNA and facial images. 5: the family comes forward; the station checks and arranges the journey home.",
                "Diagram: the five steps of checking identity and searching for family",
            ),
            steps(
                {
                    "title": "Escort and handover",
                    "description": "<p>Police officers who meet someone in need tell them they can ask a station for help; elderly people, children, people with disabilities and people who cannot walk well are guided or taken to the station, with a handover record.</p>",
                    "who": "Police officers and station staff",
                    "where": "The station",
                },
                {
                    "title": "Compare records",
                    "description": "<p>The station compares fingerprints, appearance and other clues with the relief and family-search records of the national rescue-management information system, and asks the police for help when needed.</p>",
                    "who": "The station",
                    "time_limit": "As soon as possible after arrival",
                },
                {
                    "title": "Publish a family-search notice",
                    "description": f"<p>A photo and identifying features are published, asking anyone who knows the person to contact the station. The notice also appears among this website's {page_link(notices, 'family-search notices')}.</p>",
                    "who": "The station",
                    "where": "The national family-search website, this website, newspapers, radio and television",
                    "time_limit": "Within 24 hours of arrival if identity is not confirmed",
                },
                {
                    "title": "Police checks",
                    "description": "<p>The police can compare missing-person records, take DNA samples and compare facial images. If the person may have been lost, abandoned or trafficked, the station reports it to the police.</p>",
                    "who": "The police",
                },
                {
                    "title": "The family comes forward",
                    "description": "<p>Relatives who recognise the person contact the station; once identity and relationship are checked, the station arranges for them to be collected or taken home.</p>",
                    "who": "Relatives and the station",
                    "documents": "The relative's own identity card\nProof of the relationship (as the station asks)",
                },
            ),
            h2("When identity cannot be found: registration and settlement"),
            para(
                "<p>If, after searching in many ways, a person's identity is still unknown after more than three months, the station reports to the local civil affairs department and the local government arranges their settlement. For someone who needs long-term care in a welfare institution, the police register them as a permanent resident in the institution's collective household; they can then get an identity card and social security as the rules provide.</p>"
            ),
            steps(
                {
                    "title": "Prepare the file and a proposal",
                    "who": "The station and civil affairs",
                    "description": "<p>The search records and care file are put together, with a proposal for where the person will live.</p>",
                },
                {
                    "title": "Apply for household registration",
                    "who": "The welfare institution taking the person in",
                    "where": "The police station for the institution's address",
                    "documents": "The registration application (prepared by the institution)\nThe civil affairs department's settlement decision",
                },
                {
                    "title": "The search goes on",
                    "description": "<p>Registration does not end the search: if the person's identity is found or their family comes forward later, they are still helped home.</p>",
                    "who": "The station and the police",
                },
            ),
            comparison(
                "Before and after registration",
                "Question",
                "While the search goes on",
                "After registration",
                [
                    (
                        "Identity",
                        "Not yet known",
                        "A permanent household registration and an identity card",
                    ),
                    (
                        "Care",
                        "Temporary care at the station or a care home",
                        "Long-term care in a welfare institution",
                    ),
                    (
                        "Social security",
                        "The station provides for basic needs",
                        "As the rules provide",
                    ),
                    ("Family search", "Goes on", "Goes on"),
                ],
            ),
            (
                "document",
                {
                    "document": files["checklist"],
                    "title": "What to bring when looking for a relative",
                    "description": "Go through this list before you contact a station or the police.",
                },
            ),
            callout(
                "info",
                "Is someone in your family missing?",
                f"<p>Report it to the local police as soon as you can, look through this website's {page_link(notices, 'family-search notices')} and the national family-search website, or call the stations' hotlines.</p>",
            ),
            h2("Questions and answers"),
            faq(
                (
                    "What does a family-search notice show?",
                    "<p>A photo, sex, approximate age, when and where the person was found, and features that help to recognise them. Health and other private details are not published.</p>",
                ),
                (
                    "Can someone who has been registered still go home?",
                    "<p>Yes. The search continues after registration; as soon as the person's identity is found or their family comes forward, the station checks and helps them return to their family.</p>",
                ),
                (
                    "I think someone in a notice is my relative. What do I do?",
                    f"<p>On the notice, choose “I may know this person” and leave your details, or call the responsible station's hotline; you can also {page_link(report, 'tell us online')}. Bring your identity card so that staff can check.</p>",
                ),
            ),
        ],
    }


def responsibilities(links, files, lang):
    if lang == "zh":
        return {
            "title": "谁来做什么：广西救助管理工作中部门、县、乡镇和村的分工",
            "summary": "2019年广西出台的实施意见，明确了民政、公安、卫生健康等部门和县、乡镇、村各自的责任，并用联席会议统筹协调。",
            "body": [
                callout(
                    "info",
                    "关于本页的来源",
                    "<p>本页用通俗的语言概括救助管理工作的分工。实施意见原文的发布机关、文号和日期尚待核实，具体规定以官方发布的原文为准。</p>",
                ),
                h2("各部门做什么"),
                para(
                    "<p>救助管理由民政部门牵头，其他部门在各自职责范围内配合：</p>"
                    "<ul><li><b>民政部门</b>：负责救助工作，指导和监督救助站。</li>"
                    "<li><b>公安机关</b>：在工作中发现需要帮助的人，告诉他们向救助站求助；老人、未成年人、残疾人和行动不便的人，引导或护送到救助站；协助查询身份。</li>"
                    "<li><b>卫生健康部门和医疗机构</b>：对危重病人、精神障碍患者等，坚持先救治、后救助。</li>"
                    "<li><b>城市管理、交通运输、铁路等部门</b>：在街面、车站等场所发现需要帮助的人，告知或引导他们求助。</li></ul>"
                ),
                h2("县、乡镇和村的责任"),
                para(
                    "<ul><li><b>县级人民政府</b>：负责本地的救助管理工作，把所需经费列入财政预算。</li>"
                    "<li><b>乡镇人民政府和街道办事处</b>：把在外地受助的本地居民接回来，帮助解决生产生活困难，落实社会救助等政策，防止再次外出流浪。</li>"
                    "<li><b>村（居）民委员会</b>：了解本村、本社区老人、未成年人、精神障碍患者、残疾人等困难人员的情况，发现有人外出流浪及时报告，提醒监护人履行监护责任。</li></ul>"
                ),
                h3("受助人员回到家乡以后"),
                steps(
                    {
                        "title": "核实身份，联系户籍地",
                        "who": "救助站",
                        "description": "<p>查明受助人员的户籍地后，与当地民政部门联系。</p>",
                    },
                    {
                        "title": "接回本地居民",
                        "who": "户籍地的县级民政部门和乡镇人民政府",
                    },
                    {
                        "title": "回家后的帮扶",
                        "who": "乡镇人民政府、村（居）民委员会",
                        "description": "<p>按规定落实低保、特困人员供养、医疗救助等政策，关心日常生活，防止再次流浪。</p>",
                    },
                ),
                h2("联席会议怎样运作"),
                para(
                    "<p>救助管理涉及很多部门。联席会议把它们召集在一起：民政部门牵头，公安、卫生健康、财政、城市管理、交通运输等部门参加，定期开会，通报情况，协调解决跨部门的问题；遇到突发情况，可以临时召开会议。</p>"
                ),
                h2("常见问题"),
                faq(
                    (
                        "街上有人需要帮助，应该找哪个部门？",
                        "<p>找谁都可以：拨打110、救助站的24小时热线，或在本网站报告。收到信息的部门会按分工处理或转交。</p>",
                    ),
                    (
                        "医院收治了身份不明、没有人照顾的病人，怎么办？",
                        "<p>医院先救治。病人需要救助的，请联系当地救助站：救助站会核实情况、帮助查找亲属，并和医院商量后续安排。</p>",
                    ),
                ),
            ],
        }
    return {
        "title": "Who does what: departments, counties, towns and villages in Guangxi's rescue work",
        "summary": "Who does what in Guangxi's rescue work: departments, counties, towns, villages, and the joint meeting.",
        "body": [
            callout(
                "info",
                "About the source of this page",
                "<p>This page sums up in plain words who does what in rescue work. The issuing body, document number and date of the original implementation opinions are still being checked; the official text prevails.</p>",
            ),
            h2("What each department does"),
            para(
                "<p>Civil affairs leads; the other departments help within their own duties:</p>"
                "<ul><li><b>Civil affairs</b>: runs relief and guides and supervises the stations.</li>"
                "<li><b>Police</b>: tell people in need that they can ask a station for help; guide or take elderly people, children, people with disabilities and people who cannot walk well to a station; help to establish identity.</li>"
                "<li><b>Health authorities and hospitals</b>: treat first, then arrange relief, for people who are seriously ill or mentally unwell.</li>"
                "<li><b>City management, transport and railways</b>: tell or guide the people in need they meet in the street or at stations.</li></ul>"
            ),
            h2("What counties, towns and villages do"),
            para(
                "<ul><li><b>County governments</b>: are responsible for rescue work in their area and put its cost in the budget.</li>"
                "<li><b>Town governments and street offices</b>: bring home local residents who were helped elsewhere, help them with their living and work, arrange social assistance, and prevent them from ending up on the streets again.</li>"
                "<li><b>Village and residents' committees</b>: know the elderly people, children, people with mental illness or disabilities and others in difficulty in their community, report anyone who leaves and ends up on the streets, and remind guardians of their duties.</li></ul>"
            ),
            h3("After a person returns home"),
            steps(
                {
                    "title": "Confirm identity and contact the home area",
                    "who": "The station",
                    "description": "<p>Once the person's registered home is known, the station contacts the civil affairs office there.</p>",
                },
                {
                    "title": "Bring the resident home",
                    "who": "The county civil affairs office and the town government of the home area",
                },
                {
                    "title": "Support at home",
                    "who": "The town government and the village or residents' committee",
                    "description": "<p>Arrange the minimum living allowance, support for people in extreme difficulty, medical assistance and other help as the rules provide, and keep in touch, so that the person does not end up on the streets again.</p>",
                },
            ),
            h2("How the joint meeting works"),
            para(
                "<p>Rescue work involves many departments. A joint meeting brings them together: civil affairs leads, and the police, health, finance, city management, transport and other departments take part. It meets regularly, shares information and settles problems that cross departments; it can also meet at short notice when something urgent happens.</p>"
            ),
            h2("Questions and answers"),
            faq(
                (
                    "Someone in the street needs help. Which department do I call?",
                    "<p>Any of them: call 110, the station's 24-hour hotline, or report it on this website. Whoever receives it deals with it or passes it on.</p>",
                ),
                (
                    "A hospital has a patient with no known identity and nobody to look after them. What now?",
                    "<p>The hospital treats first. If the patient needs relief, contact the local station: it checks the situation, helps to find relatives and agrees next steps with the hospital.</p>",
                ),
            ),
        ],
    }


def social_work(links, files, lang):
    stations = links.get("stations")
    if lang == "zh":
        return {
            "title": "救助站里的心理支持和社会工作服务",
            "summary": "在站期间，社会工作者可以陪伴谈心、了解需要、帮助联系家人并转介服务；志愿者和社会组织也可以在救助站安排下参与。",
            "body": [
                para(
                    "<p>流落在外的人，常常经历过疾病、家庭矛盾、失业或走失，很多人身心疲惫。除了吃住和医疗，救助站也重视情绪上的支持和与家人的关系。许多救助站配备或引入了社会工作者，和医护人员、心理咨询人员一起工作。</p>"
                ),
                h2("受助人员可以得到什么"),
                para(
                    "<ul><li><b>陪伴和谈心</b>：在安全、安静的环境里说说自己的经历和担心。</li>"
                    "<li><b>了解需要</b>：健康、家庭、经济状况，以及回家有哪些困难。</li>"
                    "<li><b>寻亲协助</b>：帮助回忆地名、人名等线索，和家人重新建立联系。</li>"
                    "<li><b>转介服务</b>：需要治疗的转到医疗机构；有长期困难的，对接社会救助、就业等服务。</li>"
                    "<li><b>离站前的准备</b>：回家的路线、到家后的联系人和可以求助的地方。</li></ul>"
                ),
                callout(
                    "warning",
                    "情况紧急时",
                    "<p>有人可能伤害自己或他人，或者精神状况突然变差，请立即拨打120或110。</p>",
                ),
                h2("志愿者和社会组织怎样参与"),
                steps(
                    {
                        "title": "联系当地救助站",
                        "description": f"<p>地址和电话见{page_link(stations, '救助站名录')}。</p>",
                        "who": "志愿者个人或社会组织",
                    },
                    {
                        "title": "了解要求，参加培训",
                        "description": "<p>救助站会介绍服务内容，以及安全和保密的要求。</p>",
                        "who": "救助站",
                    },
                    {
                        "title": "登记或签订服务协议",
                        "documents": "身份证件\n社会组织的登记证书（以机构名义参与时）",
                        "where": "救助站",
                    },
                    {
                        "title": "在工作人员安排下开展服务",
                        "description": "<p>例如陪伴聊天、读书、节日活动、帮助整理寻亲线索。</p>",
                    },
                ),
                h2("保护受助人员的隐私"),
                para(
                    "<p>受助人员的病情、经历和家庭情况都是个人隐私。请不要拍照、录音，也不要在网上发布受助人员的信息；确实需要宣传的，要征得本人和救助站的同意。</p>"
                ),
                h2("常见问题"),
                faq(
                    (
                        "必须和社会工作者谈话吗？",
                        "<p>不必。谈不谈、谈多少，由受助人员自己决定。</p>",
                    ),
                    (
                        "谈话的内容会告诉别人吗？",
                        "<p>社会工作者会为谈话保密；只有涉及人身安全等必要的情况，才会和有关人员沟通。</p>",
                    ),
                    (
                        "家人可以参与吗？",
                        "<p>可以。找到家人以后，社会工作者可以帮助双方沟通，为回家后的生活做准备。</p>",
                    ),
                ),
            ],
        }
    return {
        "title": "Emotional support and social work at the stations",
        "summary": "Social workers listen, help people reach their families and refer them on; volunteers and NGOs can help too.",
        "body": [
            para(
                "<p>People stranded away from home have often lived through illness, family conflict, losing a job or getting lost, and many are worn out. Besides food, a bed and medical care, the stations pay attention to emotional support and to family ties. Many stations have social workers, employed or brought in, who work with doctors, nurses and counsellors.</p>"
            ),
            h2("What people in care can get"),
            para(
                "<ul><li><b>Someone to talk to</b>: in a safe, quiet place, about what happened and what worries them.</li>"
                "<li><b>A look at what they need</b>: health, family, money, and what stands in the way of going home.</li>"
                "<li><b>Help with the family search</b>: recalling place names, people and other clues, and getting back in touch with family.</li>"
                "<li><b>Referral</b>: to a hospital for treatment; to social assistance, work and other services for long-term difficulties.</li>"
                "<li><b>Getting ready to leave</b>: the journey home, a contact after arrival and where to turn for help.</li></ul>"
            ),
            callout(
                "warning",
                "In an emergency",
                "<p>If someone may harm themselves or others, or their mental state suddenly gets worse, call 120 or 110 now.</p>",
            ),
            h2("How volunteers and NGOs can take part"),
            steps(
                {
                    "title": "Contact your local station",
                    "description": f"<p>Addresses and phone numbers are in the {page_link(stations, 'station directory')}.</p>",
                    "who": "Individual volunteers or organisations",
                },
                {
                    "title": "Learn the rules and take the training",
                    "description": "<p>The station explains the work and its safety and confidentiality rules.</p>",
                    "who": "The station",
                },
                {
                    "title": "Register or sign a service agreement",
                    "documents": "Identity card\nThe organisation's registration certificate (when taking part as an organisation)",
                    "where": "The station",
                },
                {
                    "title": "Help, as the staff arrange",
                    "description": "<p>For example keeping people company, reading together, holiday activities, or helping to gather clues for a family search.</p>",
                },
            ),
            h2("Protecting people's privacy"),
            para(
                "<p>Health, life stories and family circumstances are private. Do not take photos or recordings, and do not post anything about people in care online; publicity needs the agreement of the person and of the station.</p>"
            ),
            h2("Questions and answers"),
            faq(
                (
                    "Do I have to talk to a social worker?",
                    "<p>No. Whether to talk, and how much, is up to you.</p>",
                ),
                (
                    "Will what I say be passed on?",
                    "<p>Social workers keep conversations confidential; only where someone's safety is at stake do they share what is necessary with the people concerned.</p>",
                ),
                (
                    "Can my family take part?",
                    "<p>Yes. Once your family is found, a social worker can help you talk to each other and prepare for life back home.</p>",
                ),
            ),
        ],
    }


def minors(links, files, lang):
    report = links.get("report")
    if lang == "zh":
        return {
            "title": "看到孩子独自在外流浪或乞讨，怎么办",
            "summary": "孩子的安全最重要：请先报警或联系救助站，不要自行带走孩子。救助站单独照料，并在核实监护人身份后才交给家人。",
            "change_note": "注明这部法律已于2024年4月修正；本页正在按修正后的文本复核。",
            "body": [
                h2("发现时先做什么"),
                steps(
                    {
                        "title": "确认孩子是否安全",
                        "description": "<p>孩子受伤、生病、受到威胁，或者天黑、天冷时独自一人，请马上拨打110。</p>",
                        "time_limit": "立即",
                    },
                    {
                        "title": "报警或联系救助站",
                        "description": f"<p>说清楚地点、时间、孩子的大致年龄和样子。也可以{page_link(report, '在网上报告')}。</p>",
                        "who": "任何发现的人",
                        "where": "110、救助站24小时热线，或本网站的报告页面",
                    },
                    {
                        "title": "在安全的地方陪伴等候",
                        "description": "<p>可以请附近商店、车站的工作人员一起照看，等民警或救助站工作人员到来。不要把孩子带回家，也不要带离现场。</p>",
                    },
                ),
                callout(
                    "warning",
                    "请不要在网上发布孩子的照片和个人信息",
                    "<p>照片和信息一旦传开就难以收回，可能给孩子带来危险。寻找家人的工作由救助站和公安机关通过正式渠道进行。</p>",
                ),
                h2("救助站会做什么"),
                para(
                    "<p>未成年人在救助站和成年人分开照料，工作人员提供吃住、医疗和心理上的支持，并和公安机关一起查找孩子的父母或其他监护人。未成年人不会被送到养老机构照料。</p>"
                    "<p>找到家人后，救助站会核实来人的身份和监护关系，再把孩子交给监护人。暂时找不到父母或其他监护人的，由民政部门依法临时监护。</p>"
                ),
                h2("身边的保护力量"),
                para(
                    "<p>2020年修订的未成年人保护法要求，乡镇人民政府和街道办事处设立未成年人保护工作站或者指定专门人员，村（居）民委员会设置专人专岗负责未成年人保护工作。发现孩子可能缺少照顾，也可以告诉他们。</p>"
                ),
                comparison(
                    "未成年人保护法2006年修订版与2020年修订版的几处不同",
                    "事项",
                    "2006年修订版",
                    "2020年修订版",
                    [
                        (
                            "保护的方面",
                            "家庭、学校、社会、司法四个方面",
                            "增加政府保护和网络保护，共六个方面",
                        ),
                        (
                            "乡镇和街道",
                            "没有设立工作站的要求",
                            "设立未成年人保护工作站或者指定专门人员",
                        ),
                        ("条文数量", "72条", "132条"),
                    ],
                ),
                h2("常见问题"),
                faq(
                    (
                        "我可以先把孩子带回家照顾吗？",
                        "<p>请不要这样做。把孩子交给民警或救助站，既保护孩子，也保护你自己，他们也能尽快联系孩子的家人。</p>",
                    ),
                    (
                        "孩子不愿意去救助站怎么办？",
                        "<p>不要强迫。陪着孩子，告诉民警或救助站，由专业人员来沟通。</p>",
                    ),
                    (
                        "家长来接孩子，为什么还要核实身份？",
                        "<p>为了确认来人确实是孩子的监护人，防止孩子被冒领。请家长带上身份证件和能证明亲子关系的材料。</p>",
                    ),
                ),
            ],
        }
    return {
        "title": "If you see a child alone, sleeping rough or begging",
        "summary": "A child's safety comes first: call 110 or a rescue station, and never take the child away yourself.",
        "change_note": "Noted that the law was amended in April 2024; this page is being checked against the amended text.",
        "body": [
            h2("What to do first"),
            steps(
                {
                    "title": "Is the child safe?",
                    "description": "<p>If the child is hurt, ill or threatened, or alone after dark or in the cold, call 110 now.</p>",
                    "time_limit": "Now",
                },
                {
                    "title": "Call the police or a rescue station",
                    "description": f"<p>Say where and when, the child's approximate age and what they look like. You can also {page_link(report, 'report it online')}.</p>",
                    "who": "Whoever finds the child",
                    "where": "110, the station's 24-hour hotline, or this website's report page",
                },
                {
                    "title": "Wait with the child somewhere safe",
                    "description": "<p>Ask staff of a nearby shop or station to keep an eye too, until the police or station staff arrive. Do not take the child home or away from the place.</p>",
                },
            ),
            callout(
                "warning",
                "Please do not post the child's photo or details online",
                "<p>Once shared, photos and details cannot be taken back and can put the child in danger. The station and the police search for the family through official channels.</p>",
            ),
            h2("What the station does"),
            para(
                "<p>Children are cared for apart from adults: staff provide food, a bed, medical care and emotional support, and work with the police to find the child's parents or other guardians. Children are not placed in care homes for the elderly.</p>"
                "<p>When the family is found, the station checks the identity of whoever comes and that they are the guardian before handing the child over. While no parent or guardian can be found, the civil affairs department acts as temporary guardian as the law provides.</p>"
            ),
            h2("Help close to home"),
            para(
                "<p>The Law on the Protection of Minors as revised in 2020 requires town governments and street offices to set up child-protection workstations or name staff for the work, and village and residents' committees to have a dedicated person for it. You can also tell them if a child seems to lack care.</p>"
            ),
            comparison(
                "Some differences between the 2006 and 2020 revisions of the Law on the Protection of Minors",
                "Question",
                "2006 revision",
                "2020 revision",
                [
                    (
                        "Kinds of protection",
                        "Four: family, school, society and the courts",
                        "Six: government and online protection added",
                    ),
                    (
                        "Towns and street offices",
                        "No workstation required",
                        "A child-protection workstation or named staff",
                    ),
                    ("Number of articles", "72", "132"),
                ],
            ),
            h2("Questions and answers"),
            faq(
                (
                    "Can I take the child home to look after them first?",
                    "<p>Please do not. Handing the child to the police or the station protects the child and you, and they can reach the family quickly.</p>",
                ),
                (
                    "What if the child does not want to go to the station?",
                    "<p>Do not force them. Stay with the child and tell the police or the station; trained staff will talk to them.</p>",
                ),
                (
                    "Why check the identity of parents who come to collect their child?",
                    "<p>To make sure the person really is the child's guardian, so that no child is handed to the wrong person. Parents should bring their identity card and proof of the relationship.</p>",
                ),
            ),
        ],
    }


# slug, builder, topic slug, audience slugs, source facts, days since publication (or a fixed
# date), days since the update (None: no update), review offsets (last reviewed days ago, next
# review in days; negative = overdue)
EXPLAINERS = [
    {
        "slug": "how-to-ask-for-help",
        "build": how_to_ask,
        "topic": "getting-help",
        "audiences": ["people-in-need", "public", "police", "volunteers"],
        "source": {
            "source_title": "城市生活无着的流浪乞讨人员救助管理办法",
            "source_issuer": "国务院",
            "source_number": "国务院令第381号",
            "source_issued": date(2003, 6, 20),
            "source_effective": date(2003, 8, 1),
            "source_status": S.IN_FORCE,
        },
        "source_en": {
            "source_title": "Measures for the Administration of Relief for Vagrants and Beggars without Assured Living Sources in Cities (城市生活无着的流浪乞讨人员救助管理办法)",
            "source_issuer": "State Council (国务院)",
        },
        "published": 200,
        "updated": 30,
        "review": (30, 335),
        "attachment": "guide",
        "related": [
            "family-search-and-household-registration",
            "children-alone",
            "emotional-support-and-social-work",
        ],
    },
    {
        "slug": "family-search-and-household-registration",
        "build": family_search,
        "topic": "family-search",
        "audiences": ["people-in-need", "police", "station-staff", "public"],
        "source": {
            "source_title": "民政部 公安部关于加强生活无着流浪乞讨人员身份查询和照料安置工作的意见",
            "source_issuer": "民政部、公安部",
            "source_issued": date(2015, 8, 20),
            "source_status": S.IN_FORCE,
        },
        "source_en": {
            "source_title": "Opinions on strengthening identity checks, care and settlement of vagrants and beggars without means of living (关于加强生活无着流浪乞讨人员身份查询和照料安置工作的意见)",
            "source_issuer": "Ministry of Civil Affairs and Ministry of Public Security (民政部、公安部)",
        },
        "published": 150,
        "updated": None,
        "review": (150, 215),
        "attachment": "checklist",
        "related": ["how-to-ask-for-help", "who-does-what-in-guangxi"],
    },
    {
        "slug": "who-does-what-in-guangxi",
        "build": responsibilities,
        "topic": "responsibilities",
        "audiences": ["police", "hospitals", "station-staff", "volunteers", "public"],
        "source": {
            "source_title": "关于加强和改进生活无着的流浪乞讨人员救助管理工作的实施意见（广西，2019年）",
            "source_status": S.IN_FORCE,
        },
        "source_en": {
            "source_title": "Implementation opinions on strengthening and improving rescue management for people with no means of living (Guangxi, 2019)",
        },
        "published": 400,
        "updated": None,
        # Overdue: the source facts still need checking, so the review report lists it.
        "review": (400, -35),
        "attachment": None,
        "related": ["how-to-ask-for-help", "family-search-and-household-registration"],
    },
    {
        "slug": "emotional-support-and-social-work",
        "build": social_work,
        "topic": "care-services",
        "audiences": ["people-in-need", "volunteers", "station-staff", "hospitals"],
        "source": {"source_status": ""},
        "source_en": {},
        "published": 90,
        "updated": None,
        "review": (90, 275),
        "attachment": None,
        "related": ["how-to-ask-for-help", "children-alone"],
    },
    {
        "slug": "children-alone",
        "build": minors,
        "topic": "minors",
        "audiences": ["public", "police", "station-staff", "people-in-need"],
        "source": {
            "source_title": "中华人民共和国未成年人保护法（2020年修订）",
            "source_issuer": "全国人民代表大会常务委员会",
            "source_issued": date(2020, 10, 17),
            "source_effective": date(2021, 6, 1),
            # Amended again on 26 April 2024: the banner says so.
            "source_status": S.AMENDED,
        },
        "source_en": {
            "source_title": "Law of the People's Republic of China on the Protection of Minors (2020 revision) (中华人民共和国未成年人保护法)",
            "source_issuer": "Standing Committee of the National People's Congress (全国人民代表大会常务委员会)",
        },
        # First published before the 2024 amendment, then updated to say so.
        "published": date(2024, 3, 1),
        "updated": 60,
        "review": (60, 30),
        "attachment": None,
        "related": ["how-to-ask-for-help", "family-search-and-household-registration"],
    },
]


def _files(lang: str) -> dict:
    if lang == "zh":
        guide = ensure_document(
            "求助流程一页纸（演示）",
            "qiuzhu-liucheng.pdf",
            lambda: pdf_bytes(
                "如何求助",
                [
                    "1. 联系救助站：就近前往，或拨打24小时救助热线；也可以请民警帮忙。",
                    "2. 如实说明基本情况：说不清楚的，救助站先救助，再帮助查明。",
                    "3. 接受救助：食物、住处、急病送医、联系亲属、回家的乘车凭证。",
                    "4. 离站或返乡：救助是临时的，一般不超过10天。",
                    "有人身处危险时，请立即拨打110或120。",
                ],
            ),
        )
        checklist = ensure_document(
            "寻亲时可以准备的资料（演示）",
            "xunqin-ziliao.txt",
            lambda: text_bytes(
                "寻亲时可以准备的资料",
                [
                    "- 走失的人的近期照片",
                    "- 走失的时间、地点和当时的穿着",
                    "- 身体特征：疤痕、胎记、口音、习惯",
                    "- 您的身份证件和能证明亲属关系的材料",
                    "- 报警回执（如已向公安机关报案）",
                ],
            ),
        )
        labels = [
            "护送交接",
            "比对指纹和体貌",
            "24小时内发布公告",
            "公安比对DNA人像",
            "家属认领回家",
        ]
        diagram = ensure_image(
            "寻亲流程示意图（演示）", "xunqin-liucheng.png", flow_diagram(labels)
        )
    else:
        guide = ensure_document(
            "Asking for help: a one-page guide (demo)",
            "asking-for-help.pdf",
            lambda: pdf_bytes(
                "Asking for help",
                [
                    "1. Contact a station: go to the nearest one, or call the 24-hour rescue hotline; or ask a police officer.",
                    "2. Say who you are: if you cannot, the station helps first and finds out later.",
                    "3. Receive help: food, a bed, hospital care, contacting family, a ticket home.",
                    "4. Leave or go home: help is temporary, usually no more than 10 days.",
                    "If someone is in danger, call 110 or 120 now.",
                ],
            ),
        )
        checklist = ensure_document(
            "What to bring when looking for a relative (demo)",
            "looking-for-a-relative.txt",
            lambda: text_bytes(
                "What to bring when looking for a relative",
                [
                    "- A recent photo of the missing person",
                    "- When and where they went missing, and what they wore",
                    "- Features: scars, birthmarks, accent, habits",
                    "- Your identity card and proof of the relationship",
                    "- The police receipt, if you have reported it",
                ],
            ),
        )
        labels = [
            "Escort and handover",
            "Fingerprints and looks",
            "Notice in 24 hours",
            "Police DNA and faces",
            "Family comes forward",
        ]
        diagram = ensure_image(
            "Family search diagram (demo)", "family-search-flow.png", flow_diagram(labels)
        )
    return {"guide": guide, "checklist": checklist, "diagram": diagram}


def _apply(
    page: PolicyExplainerPage, spec: dict, content: dict, files: dict, topics, audiences, today
):
    last_days, next_days = spec["review"]
    page.title = content["title"]
    page.summary = content["summary"]
    page.body = content["body"]
    page.topic = topics[spec["topic"]]
    page.last_reviewed = today - timedelta(days=last_days)
    page.next_review = today + timedelta(days=next_days)
    if spec["updated"] is not None:
        page.updated_on = today - timedelta(days=spec["updated"])
        page.change_note = content["change_note"]
    page.audiences = [audiences[slug] for slug in spec["audiences"]]
    page.attachments.clear()
    if spec["attachment"]:
        page.attachments.add(
            PolicyAttachment(document=files[spec["attachment"]], title=content["attachment_title"])
        )


def _backdate(page: PolicyExplainerPage, published) -> None:
    """Demo history: first published some time ago (before any "updated" date)."""
    if isinstance(published, date):
        moment = timezone.make_aware(datetime.combine(published, time(10, 0)))
    else:
        moment = timezone.now() - timedelta(days=published)
    PolicyExplainerPage.objects.filter(pk=page.pk).update(
        first_published_at=moment, last_published_at=moment
    )


def ensure_explainers(index: PolicyIndexPage) -> int:
    ensure_taxonomy(PolicyTopic, Audience)
    today = timezone.localdate()
    topics = {topic.slug: topic for topic in PolicyTopic.objects.all()}
    audiences = {audience.slug: audience for audience in Audience.objects.all()}
    home = index.get_parent()
    english_index = index.get_translation_or_none(english_locale())
    variants = [("zh", index, _sections(home), _files("zh"))]
    if english_index is not None:
        variants.append(("en", english_index, _sections(english_index.get_parent()), _files("en")))

    created = 0
    pages: dict[tuple[str, str], PolicyExplainerPage] = {}
    for spec in EXPLAINERS:
        zh_page = PolicyExplainerPage.objects.child_of(index).filter(slug=spec["slug"]).first()
        for lang, parent, links, files in variants:
            existing = (
                zh_page
                if lang == "zh"
                else (zh_page.get_translation_or_none(english_locale()) if zh_page else None)
            )
            if existing is not None:
                pages[(lang, spec["slug"])] = existing.specific
                continue
            content = spec["build"](links, files, lang)
            with transaction.atomic():
                if lang == "zh":
                    page = PolicyExplainerPage(slug=spec["slug"], **spec["source"])
                    _apply(page, spec, content, files, topics, audiences, today)
                    parent.add_child(instance=page)
                    zh_page = page
                else:
                    page = zh_page.copy_for_translation(
                        english_locale(), copy_parents=False
                    ).specific
                    for name, value in spec["source_en"].items():
                        setattr(page, name, value)
                    _apply(page, spec, content, files, topics, audiences, today)
                page.save_revision().publish()
                _backdate(page, spec["published"])
            pages[(lang, spec["slug"])] = page
            created += 1

    # Related explainers, once every page exists (chosen in Chinese; the English pages show
    # the English translations by themselves).
    for spec in EXPLAINERS:
        for lang, *_rest in variants:
            page = pages.get((lang, spec["slug"]))
            if page is None or page.related_links.exists():
                continue
            targets = [pages.get((lang, slug)) for slug in spec["related"]]
            page = PolicyExplainerPage.objects.get(pk=page.pk)
            for order, target in enumerate(t for t in targets if t is not None):
                page.related_links.add(RelatedExplainer(related=target, sort_order=order))
            published_at = (page.first_published_at, page.last_published_at)
            page.save_revision().publish()
            PolicyExplainerPage.objects.filter(pk=page.pk).update(
                first_published_at=published_at[0], last_published_at=published_at[1]
            )
    return created


def seed(ctx: SeedContext) -> None:
    ensure_taxonomy(PolicyTopic, Audience)
    index = ensure_child_page(
        default_site().root_page,
        PolicyIndexPage,
        "policies",
        title="政策解读",
        introduction="用通俗的语言解读救助管理政策：谁可以求助、如何求助、救助站提供哪些帮助。",
        en={
            "title": "Policy explainers",
            "introduction": "Plain-language explainers of rescue-management policy: who can get help, how to ask, and what the stations do.",
        },
    )
    # Editors submit explainers; a moderator approves them (docs/decisions.md, issue 11).
    ensure_review_workflow(
        *PolicyIndexPage.objects.filter(
            pk__in=[index.pk, *index.get_translations().values_list("pk", flat=True)]
        )
    )


def seed_late(ctx: SeedContext) -> None:
    """Explainers come after every section exists, because they link to the report page and
    the station directory."""
    index = (
        PolicyIndexPage.objects.child_of(default_site().root_page).filter(slug="policies").first()
    )
    if index is None:
        return
    created = ensure_explainers(index)
    total = PolicyExplainerPage.objects.descendant_of(index).count()
    ctx.say(f"{total} policy explainers ready in each language ({created} new pages).")
