"""The topics and audiences every installation starts with (migration 0003 creates them;
seed_demo makes sure they exist). Editors may rename them or add more; slugs stay stable
because they are in the list's web addresses."""

# slug, Chinese name, English name
TOPICS = [
    ("getting-help", "求助与救助", "Getting help"),
    ("family-search", "寻亲与落户", "Family search and registration"),
    ("responsibilities", "职责分工", "Who does what"),
    ("care-services", "站内服务", "Care at the station"),
    ("minors", "未成年人保护", "Protecting minors"),
]

# The audiences of the design: people in need and families, the public, police, hospitals,
# volunteers and NGOs, station staff.
AUDIENCES = [
    ("people-in-need", "求助人员和家属", "People in need and families"),
    ("public", "社会公众", "The public"),
    ("police", "公安民警", "Police"),
    ("hospitals", "医疗机构", "Hospitals"),
    ("volunteers", "志愿者和社会组织", "Volunteers and NGOs"),
    ("station-staff", "救助站工作人员", "Station staff"),
]


def ensure_taxonomy(topic_model, audience_model) -> None:
    """Create any missing topic or audience (by slug); never changes an existing one."""
    for model, rows in ((topic_model, TOPICS), (audience_model, AUDIENCES)):
        for order, (slug, name, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": order * 10}
            )
