"""Loading the administrative division snapshot in stations/data/ into Area rows."""

import csv
from decimal import Decimal
from pathlib import Path

AREAS_CSV = Path(__file__).with_name("data") / "areas_guangxi.csv"
CENTRES_CSV = Path(__file__).with_name("data") / "area_centres_guangxi.csv"


def read_area_rows(path: Path = AREAS_CSV) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return list(csv.DictReader(lines))


def read_centres(path: Path = CENTRES_CSV) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        row["code"]: (Decimal(row["latitude"]), Decimal(row["longitude"]))
        for row in read_area_rows(path)
    }


def load_areas(area_model, path: Path = AREAS_CSV) -> int:
    """Create or update every area in the snapshot; parents are loaded before children.

    Takes the model as an argument so data migrations can pass their historical model.
    Returns the number of rows in the snapshot.
    """
    rows = read_area_rows(path)
    centres = read_centres() if _has_centre_fields(area_model) else {}
    by_code = {}
    for row in sorted(rows, key=lambda r: ("province", "city", "county").index(r["level"])):
        area, _ = area_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent": by_code.get(row["parent_code"]),
                **(
                    dict(zip(("latitude", "longitude"), centres[row["code"]], strict=True))
                    if row["code"] in centres
                    else {}
                ),
            },
        )
        by_code[area.code] = area
    return len(rows)


def _has_centre_fields(area_model) -> bool:
    # Migrations before 0003 pass a historical Area without the centre fields.
    return any(f.name == "latitude" for f in area_model._meta.get_fields())
