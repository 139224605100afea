"""A synthetic funding-layout file for the README's picture of a country's chart: made-up amounts
in the shape of ForeignAssistance.gov's us_foreign_aid_funding.csv, for Pakistan, Egypt and
Senegal over twenty fiscal years. Not real figures: the picture shows the window, not the data.

usage: python tests/figures_demo.py OUT.csv
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import figures_gen as gen

ACCOUNTS = (
    gen.FMF,
    gen.IMET,
    gen.HEALTH,
    gen.FOOD,
    ("019-0113", "Economic Support Fund", gen.STATE),
    ("011-1022", "International Narcotics Control and Law Enforcement", gen.STATE),
    ("011-1075", "Nonproliferation, Anti-terrorism, Demining and Related Programs", gen.STATE),
)
COUNTRIES = (gen.PAKISTAN, gen.EGYPT, ("SEN", "Senegal", "Sub-Saharan Africa", "Lower Middle Income Country"))


def records(seed: int = 7) -> list[gen.Record]:
    rng = random.Random(seed)
    out = []
    for country in COUNTRIES:
        for rank, account in enumerate(ACCOUNTS):
            base = rng.uniform(2e6, 4e8) / (rank + 1)
            for year in range(2004, 2024):
                wave = 1 + 0.6 * rng.random() - (0.5 if 2011 <= year <= 2013 and rank == 0 else 0)
                amount = round(base * wave, 2)
                for kind, share in ((gen.OBLIGATIONS, 1.0), (gen.DISBURSEMENTS, 0.85)):
                    current = round(amount * share, 2)
                    constant = round(current * (1 + (2023 - year) * 0.025), 2)
                    out.append(gen.Record(country, account, kind, str(year), f"{current:.2f}", f"{constant:.2f}"))
    return out


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    gen.write_funding(Path(sys.argv[1]), records())
    return 0


if __name__ == "__main__":
    sys.exit(main())
