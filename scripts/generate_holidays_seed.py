"""Generate seeds/public_holidays.csv from the `holidays` library.

The seed is generated, never typed by hand: rerun this script after upgrading
`holidays`, to widen the year range or to add a country (every country of
seeds/business_hours.csv must be in it), and commit the CSV it writes.

    .venv/bin/python scripts/generate_holidays_seed.py [--countries CN PH DE] [--first-year 2020] [--last-year 2030]

One row per public holiday date and country (for China: statutory holidays
and the official substituted days off), with the holiday's name in English.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import holidays

SEED = Path(__file__).resolve().parent.parent / "seeds" / "public_holidays.csv"
COUNTRIES = ["CN", "PH", "DE"]  # the demo's sites (Shanghai, Chengdu, Manila) and the unit tests' Berlin


def rows(country: str, first_year: int, last_year: int) -> list[tuple[str, str]]:
    calendar = holidays.country_holidays(country, years=range(first_year, last_year + 1), language="en_US")
    return [(day.isoformat(), name) for day, name in sorted(calendar.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", nargs="+", default=COUNTRIES)
    parser.add_argument("--first-year", type=int, default=2020)
    parser.add_argument("--last-year", type=int, default=2030)
    parser.add_argument("--out", type=Path, default=SEED)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["holiday_date", "country_code", "holiday_name", "holidays_library_version"])
        for country in args.countries:
            data = rows(country, args.first_year, args.last_year)
            total += len(data)
            for day, name in data:
                writer.writerow([day, country, name, holidays.__version__])
    print(f"wrote {total} holidays of {', '.join(args.countries)} ({args.first_year}-{args.last_year}) to {args.out}")


if __name__ == "__main__":
    main()
