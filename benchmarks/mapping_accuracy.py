"""Measure how often the mapping proposer puts a header where a person would.

Each row of `data/header_variants.csv` is one header as some export spells it (Bluetrait's
own, its screen reports, other PSA tools, misspellings), the type its values have, and the
target field a person would choose. Every header goes through the same path as a real export:
the reader's alias table, then the proposer against Twenty's standard schema. Printed: top-1
accuracy overall and per style, and the confident-but-wrong proposals (confidence >= 0.8),
which are the ones a reviewer would not look at.

Usage: python benchmarks/mapping_accuracy.py [--semantic]   (--semantic needs the ai extra)
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from bt2twenty.mapping.propose import propose_mapping
from bt2twenty.mapping.target import standard_schema
from bt2twenty.sources.bluetrait.aliases import canonical_column

DATA = Path(__file__).parent / "data" / "header_variants.csv"
CONFIDENT = 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--semantic", action="store_true", help="also match by meaning")
    args = parser.parse_args()
    matcher = None
    if args.semantic:
        from bt2twenty.mapping.semantic import SemanticMatcher

        matcher = SemanticMatcher()
    rows = list(csv.DictReader(DATA.open(encoding="utf-8")))
    schema = standard_schema()
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    confident_wrong = []
    misses = []

    for row in rows:
        name, known = canonical_column(row["object"], row["header"])
        column = {"name": name, "header": row["header"], "known": known, "type": row["value_type"]}
        profile = {"objects": [{"name": row["object"], "columns": [column]}]}
        proposal = propose_mapping(profile, schema, matcher=matcher)
        entry = proposal.objects[row["object"]].columns[name]
        proposed = (
            "(skipped)"
            if entry.skip
            else f"{entry.target}" + (f".{entry.part}" if entry.part else "")
        )

        total[row["style"]] += 1
        if proposed == row["expected"]:
            correct[row["style"]] += 1
            continue
        misses.append((row, proposed, entry.confidence))
        if entry.confidence >= CONFIDENT:
            confident_wrong.append((row, proposed, entry.confidence))

    overall = sum(correct.values()) / len(rows)
    print(f"header variants        {len(rows)}")
    print(f"top-1 accuracy         {overall:.1%}")
    for style in total:
        print(f"  {style:<20} {correct[style]}/{total[style]}")
    print(f"confident but wrong    {len(confident_wrong)}")
    for row, proposed, confidence in misses:
        marker = "CONFIDENT" if confidence >= CONFIDENT else "low"
        header = f"{row['object']}.{row['header']!r}"
        print(f"  miss ({marker} {confidence:.2f}): {header} → {proposed}, want {row['expected']}")


if __name__ == "__main__":
    main()
