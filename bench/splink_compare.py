"""The same duplicate detection with Splink (DuckDB backend), on the same data, side by side.

    .venv/bin/pip install splink      # not a project dependency
    .venv/bin/python bench/splink_compare.py --customers 1000000

Reads the customers that bench/dedupe_bench.py loaded into bench/data/dedupe_<N>.db (live
customers and their default address), gives Splink the same cleaned columns the Rolodex scan
uses (folded names, lowercased email, E.164 phone, normalized postcode, street, city), and
trains a standard Fellegi-Sunter model: λ from deterministic rules, u by random sampling, m by
EM on two blocking passes; then predicts over blocking rules comparable to the scan's blocks
and clusters. Precision/recall/F1 against bench/data/dedupe_truth_<N>_<seed>.csv, seconds
per phase; written to bench/results/splink.json beside the scan's figures from dedupe.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from common import DATA, RESULTS, write_result  # noqa: E402
from rolodex.identity.normalize import email_key, fold, postcode_key, street_key  # noqa: E402

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)  # Splink's pairs are scored at each: the best F1


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def export(db_path: Path, out: Path) -> int:
    """The live customers with their default address, cleaned, as CSV."""
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT c.id, c.first_name, c.last_name, c.email_normalized, c.phone_e164, "
        "a.line1, a.postcode, a.city, a.country FROM customers c LEFT JOIN customer_addresses a "
        "ON a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.is_default = 1 "
        "WHERE c.deleted_at IS NULL"
    )
    n = 0
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["unique_id", "first_name", "surname", "email", "phone", "street", "postcode", "city"]
        )
        for cid, first, last, email, phone, line1, postcode, city, country in rows:
            w.writerow(
                [
                    str(uuid.UUID(cid)),
                    fold(first or "") or None,
                    fold(last or "") or None,
                    email_key(email),
                    phone,
                    street_key(line1),
                    postcode_key(postcode, country),
                    fold(city or "") or None,
                ]
            )
            n += 1
    con.close()
    return n


def truth_pairs(n: int, seed: int) -> set[tuple[str, str]]:
    """True pairs, as ids of the SQLite tenant (derived from the record ids: the file's
    customer_id column holds the ids of whichever engine was loaded last)."""
    from rolodex.demo.load import customer_id_for

    con = sqlite3.connect(DATA / f"dedupe_{n}.db")
    tid = uuid.UUID(con.execute("SELECT id FROM tenants WHERE slug = 'dedupe'").fetchone()[0])
    con.close()
    by_person: dict[str, list[str]] = defaultdict(list)
    with open(DATA / f"dedupe_truth_{n}_{seed}.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            cid = str(customer_id_for(tid, int(row["record_id"])))
            by_person[row["person_id"]].append(cid)
    return {
        (a, b) if a < b else (b, a)
        for ids in by_person.values()
        if len(ids) > 1
        for a, b in combinations(ids, 2)
    }


def prf(found: set[tuple[str, str]], true: set[tuple[str, str]]) -> dict[str, Any]:
    hit = len(found & true)
    p = hit / len(found) if found else 1.0
    r = hit / len(true) if true else 1.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "found": len(found),
    }


def run(csv_path: Path, threshold: float) -> tuple[dict[str, float], list[Any], list[Any]]:
    import duckdb
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE customers AS SELECT * FROM read_csv('{csv_path}', header=true, "
        "all_varchar=true)"
    )
    db_api = DuckDBAPI(connection=con)
    df = db_api.register("customers")
    seconds["load"] = time.perf_counter() - started
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.ExactMatch("email"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("street", [2]),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email"),
            block_on("phone"),
            block_on("postcode", "street"),
            block_on("postcode", "surname"),
            block_on("postcode", "first_name"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(df, settings)
    started = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("phone")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode", "street")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))
    seconds["train"] = time.perf_counter() - started
    started = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = (
        predictions.as_duckdbpyrelation()
        .select("unique_id_l, unique_id_r, match_probability")
        .fetchall()
    )
    seconds["predict"] = time.perf_counter() - started
    return seconds, pairs, [linker, predictions]


def cluster(linker: Any, predictions: Any, threshold: float) -> tuple[float, list[Any]]:
    started = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    members = clusters.as_duckdbpyrelation().select("cluster_id, unique_id").fetchall()
    return time.perf_counter() - started, members


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threshold", type=float, default=0.5, help="lowest match probability")
    args = parser.parse_args()
    n = args.customers
    db_path = DATA / f"dedupe_{n}.db"
    if not db_path.exists():
        sys.exit(f"{db_path} is missing: run bench/dedupe_bench.py --customers {n} first")
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "customers.csv"
        started = time.perf_counter()
        rows = export(db_path, csv_path)
        export_seconds = time.perf_counter() - started
        log(f"exported {rows:,} customers in {export_seconds:.1f}s")
        seconds, pairs, (linker, predictions) = run(csv_path, args.threshold)
        true = truth_pairs(n, args.seed)
        by_threshold = {}
        for t in THRESHOLDS:
            found = {(a, b) if a < b else (b, a) for a, b, p in pairs if p >= t}
            by_threshold[t] = prf(found, true)
        best = max(by_threshold, key=lambda t: by_threshold[t]["f1"])
        seconds["cluster"], members = cluster(linker, predictions, best)
    total = sum(seconds.values())
    log(f"splink: {total:.1f}s {seconds}; pairs F1 by match probability {by_threshold}")
    groups: dict[Any, list[str]] = defaultdict(list)
    for cluster_id, uid in members:
        groups[cluster_id].append(uid)
    closure = {
        (a, b) if a < b else (b, a) for g in groups.values() for a, b in combinations(sorted(g), 2)
    }
    result = {
        "customers": rows,
        "best_threshold_match_probability": best,
        "seconds": round(total, 2),
        "phases": {k: round(v, 2) for k, v in seconds.items()},
        "export_seconds": round(export_seconds, 2),
        "pairs": by_threshold[best],
        "pairs_by_threshold": {str(t): v for t, v in by_threshold.items()},
        "clusters": prf(closure, true),
    }
    log(f"splink quality: pairs {result['pairs']} clusters {result['clusters']}")
    ours_path = RESULTS / "dedupe.json"
    ours = json.loads(ours_path.read_text()).get("engines", {}) if ours_path.exists() else {}
    side = {
        engine: {
            "seconds": figures["scan"]["seconds"],
            "f1_pairs": figures["quality"]["review"]["pairs"]["f1"],
            "f1_clusters": figures["quality"]["review"]["clusters"]["f1"],
        }
        for engine, figures in ours.items()
        if figures.get("customers") == n
    }
    command = "bench/splink_compare.py " + " ".join(sys.argv[1:])
    path = write_result(
        "splink", {"command": command, "splink": result, "rolodex_scan_same_data": side}
    )
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
