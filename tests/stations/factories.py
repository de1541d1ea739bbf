"""Factories for stations.

Areas are never invented: ``AreaFactory`` returns the rows the data migration loaded (looked up
by code), so every factory-built station sits in a real Guangxi division::

    AreaFactory(code="450102")              # 南宁市兴宁区
    StationFactory()                        # a station in a county, serving that county
    StationFactory(jurisdiction=[city])     # ... serving a whole city instead
    StationFactory(is_fallback=True)        # the provincial duty desk (only one may exist)
    StationMembershipFactory(station=s, role=StationMembership.Role.LEAD)
"""

from django.contrib.auth import get_user_model

import factory

from stations.areas import read_area_rows
from stations.models import Area, Station, StationMembership

_AREA_ROWS = {row["code"]: row for row in read_area_rows()}
COUNTY_CODES = [code for code, row in _AREA_ROWS.items() if row["level"] == "county"]
CITY_CODES = [code for code, row in _AREA_ROWS.items() if row["level"] == "city"]


class AreaFactory(factory.django.DjangoModelFactory):
    """One of the areas loaded by migration 0002 (county-level unless a code is given)."""

    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Iterator(COUNTY_CODES)
    name = factory.LazyAttribute(lambda o: _AREA_ROWS[o.code]["name"])
    level = factory.LazyAttribute(lambda o: _AREA_ROWS[o.code]["level"])
    parent = factory.LazyAttribute(
        lambda o: Area.objects.filter(code=_AREA_ROWS[o.code]["parent_code"]).first()
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"station-user-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@guitu.invalid")
    password = factory.django.Password("correct horse battery staple")


class StationFactory(factory.django.DjangoModelFactory):
    """An active station located in (and, unless ``jurisdiction`` is given, serving) its area."""

    class Meta:
        model = Station
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:04d}")
    area = factory.SubFactory(AreaFactory)
    name = factory.LazyAttribute(lambda o: f"{o.area.name}救助管理站")
    name_en = factory.Sequence(lambda n: f"Test Rescue Station {n}")
    address = factory.LazyAttribute(lambda o: f"{o.area.name}示范路1号")
    hotline = factory.Sequence(lambda n: f"0771-0{n:06d}")
    phone = factory.Sequence(lambda n: f"0771-1{n:06d}")
    email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@guitu.invalid")

    @factory.post_generation
    def jurisdiction(self, create, extracted, **kwargs):
        if not create:
            return
        self.jurisdiction.set(extracted if extracted is not None else [self.area])


class StationMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationMembership

    user = factory.SubFactory(UserFactory)
    station = factory.SubFactory(StationFactory)
    role = StationMembership.Role.STAFF
