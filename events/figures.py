"""The roll-up of a campaign's post-event figures: how many distinct cities and counties its
venues covered, and the totals of each figure.

A venue in a county-level division counts that county and its city; a venue in a city counts
the city. Venues must come with their facts attached and their areas' parents selected
(``station__area__parent``, ``area__parent``), so the roll-up costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stations.models import Area

from .models import FIGURE_FIELDS


@dataclass
class CityRow:
    city: Area
    venues: int = 0
    counties: set = field(default_factory=set)
    totals: dict = field(default_factory=lambda: dict.fromkeys(FIGURE_FIELDS, 0))

    @property
    def county_count(self) -> int:
        return len(self.counties)


@dataclass
class Rollup:
    venues: int = 0
    venues_with_figures: int = 0
    cities: set = field(default_factory=set)
    counties: set = field(default_factory=set)
    totals: dict = field(default_factory=lambda: dict.fromkeys(FIGURE_FIELDS, 0))
    by_city: dict = field(default_factory=dict)

    @property
    def city_count(self) -> int:
        return len(self.cities)

    @property
    def county_count(self) -> int:
        return len(self.counties)

    @property
    def has_figures(self) -> bool:
        return self.venues_with_figures > 0

    @property
    def city_rows(self) -> list[CityRow]:
        return sorted(self.by_city.values(), key=lambda row: row.city.code)


def city_and_county(area: Area | None) -> tuple[Area | None, Area | None]:
    if area is None:
        return None, None
    if area.level == Area.Level.COUNTY:
        return area.parent, area
    if area.level == Area.Level.CITY:
        return area, None
    return None, None


def rollup(venues) -> Rollup:
    result = Rollup()
    for venue in venues:
        result.venues += 1
        city, county = city_and_county(venue.facts.place_area)
        row = None
        if city is not None:
            result.cities.add(city.pk)
            row = result.by_city.setdefault(city.pk, CityRow(city))
            row.venues += 1
        if county is not None:
            result.counties.add(county.pk)
            if row is not None:
                row.counties.add(county.pk)
        figures = venue.figures()
        if any(value is not None for value in figures.values()):
            result.venues_with_figures += 1
        for name, value in figures.items():
            result.totals[name] += value or 0
            if row is not None:
                row.totals[name] += value or 0
    return result
