"""Write synthetic customers with known duplicates as CSV and NDJSON, plus the ground truth.

    python bench/generate.py --n 1000000 --seed 42 --out bench/data/

Writes customers.csv (header row, tags pipe-delimited), customers.ndjson (one object per line,
tags as a list, attributes as an object) and truth.csv (record_id, person_id: records with
the same person_id are the same person). Streams: memory stays constant at any --n. The same
--seed and --now give byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

from rolodex.demo.synth import SynthRecord, generate_people

COLUMNS = (
    "record_id", "first_name", "last_name", "email", "phone", "company", "line1", "city",
    "region", "postcode", "country", "lifecycle_stage", "status", "customer_type", "tags", "ltv",
    "created_at",
)  # fmt: skip


def row(rec: SynthRecord) -> list[object]:
    return [
        rec.record_id, rec.first_name, rec.last_name, rec.email, rec.phone, rec.company,
        rec.line1, rec.city, rec.region, rec.postcode, rec.country, rec.lifecycle_stage,
        rec.status, rec.customer_type, "|".join(rec.tags), str(rec.ltv),
        rec.created_at.isoformat(),
    ]  # fmt: skip


def document(values: list[object], rec: SynthRecord) -> bytes:
    obj = dict(zip(COLUMNS, values, strict=True))
    obj["tags"] = rec.tags
    obj["attributes"] = rec.attributes
    return orjson.dumps(obj) + b"\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="records to write")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duplicate-rate", type=float, default=0.08)
    parser.add_argument("--now", help="ISO date the data ends at (default: today, UTC)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now).replace(tzinfo=UTC) if args.now else None
    args.out.mkdir(parents=True, exist_ok=True)

    every = max(1, min(100_000, args.n // 10))
    started = time.perf_counter()
    records = generate_people(args.n, args.seed, args.duplicate_rate, now=now)
    duplicates = 0
    with (
        open(args.out / "customers.csv", "w", newline="", encoding="utf-8") as csv_file,
        open(args.out / "customers.ndjson", "wb") as ndjson_file,
        open(args.out / "truth.csv", "w", newline="", encoding="utf-8") as truth_file,
    ):
        customers, truth = csv.writer(csv_file), csv.writer(truth_file)
        customers.writerow(COLUMNS)
        truth.writerow(("record_id", "person_id"))
        for rec in records:
            values = row(rec)
            customers.writerow(values)
            ndjson_file.write(document(values, rec))
            truth.writerow((rec.record_id, rec.person_id))
            duplicates += rec.duplicate_of is not None
            if rec.record_id % every == 0:
                elapsed = time.perf_counter() - started
                rate = rec.record_id / elapsed
                print(f"{rec.record_id:>10,} records  {elapsed:6.1f}s  {rate:,.0f}/s", flush=True)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {args.n:,} records ({duplicates:,} near-duplicates) to {args.out} "
        f"in {elapsed:.1f}s: {args.n / max(elapsed, 1e-9):,.0f} records/s"
    )


if __name__ == "__main__":
    main()
