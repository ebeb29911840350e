"""Generate seeds/china_public_holidays.csv from the `holidays` library.

The seed is generated, never typed by hand: rerun this script after upgrading
`holidays` (or to widen the year range) and commit the CSV it writes.

    .venv/bin/python scripts/generate_holidays_seed.py [--first-year 2020] [--last-year 2030]

One row per public holiday date in mainland China (statutory holidays and the
official substituted days off), with the holiday's name in English.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import holidays

SEED = Path(__file__).resolve().parent.parent / "seeds" / "china_public_holidays.csv"


def rows(first_year: int, last_year: int) -> list[tuple[str, str]]:
    calendar = holidays.country_holidays("CN", years=range(first_year, last_year + 1), language="en_US")
    return [(day.isoformat(), name) for day, name in sorted(calendar.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-year", type=int, default=2020)
    parser.add_argument("--last-year", type=int, default=2030)
    parser.add_argument("--out", type=Path, default=SEED)
    args = parser.parse_args()
    data = rows(args.first_year, args.last_year)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["holiday_date", "holiday_name", "country_code", "holidays_library_version"])
        for day, name in data:
            writer.writerow([day, name, "CN", holidays.__version__])
    print(f"wrote {len(data)} holidays ({args.first_year}-{args.last_year}) to {args.out}")


if __name__ == "__main__":
    main()
