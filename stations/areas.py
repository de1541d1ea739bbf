"""Loading the administrative division snapshot in stations/data/ into Area rows."""

import csv
from pathlib import Path

AREAS_CSV = Path(__file__).with_name("data") / "areas_guangxi.csv"


def read_area_rows(path: Path = AREAS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return list(csv.DictReader(lines))


def load_areas(area_model, path: Path = AREAS_CSV) -> int:
    """Create or update every area in the snapshot; parents are loaded before children.

    Takes the model as an argument so data migrations can pass their historical model.
    Returns the number of rows in the snapshot.
    """
    rows = read_area_rows(path)
    by_code = {}
    for row in sorted(rows, key=lambda r: ("province", "city", "county").index(r["level"])):
        area, _ = area_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": by_code.get(row["parent_code"]),
            },
        )
        by_code[area.code] = area
    return len(rows)
