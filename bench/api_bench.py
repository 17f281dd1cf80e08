"""API throughput and latency through the real app, next to a constant endpoint (the ceiling).

    python bench/api_bench.py [--customers 100000] [--duration 10] [--connections 16]

For each engine: a database with one tenant of generated customers, the app under uvicorn (one
process), wrk on loopback for GET by id, a list page and create; and, in the same run, the
same framework answering a constant body (bench/ceiling_app.py). Writes bench/results/api.json.
"""

from __future__ import annotations

import argparse
import time

from common import DATA, Server, prepare, write_result, wrk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--reuse", action="store_true", help="keep the databases of a former run")
    parser.add_argument("--out", default="api", help="results file name under bench/results/")
    args = parser.parse_args()

    results: dict[str, dict[str, object]] = {}
    with Server("ceiling_app:app") as ceiling:
        ceiling.wait("/const")
        const = wrk(
            ceiling.base,
            "get_path.lua",
            {"BENCH_PATH": "/const", "BENCH_KEY": ""},
            args.duration,
            args.connections,
        )
    print(f"ceiling (constant endpoint): {const['rps']:,} req/s, p50 {const['p50_ms']} ms")
    for engine in args.engines.split(","):
        print(f"[{engine}] preparing {args.customers:,} customers")
        prep = prepare(engine, "rolodex_bench_api", args.customers, reuse=args.reuse)
        ids_file = DATA / f"ids_{engine}.txt"
        ids_file.write_text("\n".join(prep.ids) + "\n")
        # Rate limits would turn the measurement into a count of 429s: lift them here.
        env = {
            "ROLODEX_DATABASE_URL": prep.url,
            "ROLODEX_LOG_LEVEL": "WARNING",
            "ROLODEX_RATE_LIMIT_API": "100000000/minute",
        }
        scenarios = {
            "get_by_id": ("get_by_id.lua", {"BENCH_IDS_FILE": str(ids_file)}),
            "list_page_50": ("get_path.lua", {"BENCH_PATH": "/v1/customers?limit=50"}),
            "create": ("create.lua", {"BENCH_RUN": f"{engine}{int(time.time())}"}),
        }
        figures: dict[str, object] = {}
        with Server("rolodex.app:create_app", env=env, factory=True) as app:
            app.wait("/readyz")
            for name, (script, extra) in scenarios.items():
                r = wrk(
                    app.base,
                    script,
                    {"BENCH_KEY": prep.key, **extra},
                    args.duration,
                    args.connections,
                )
                r["ratio_to_ceiling"] = round(r["rps"] / const["rps"], 3)
                figures[name] = r
                print(
                    f"[{engine}] {name}: {r['rps']:,} req/s (x{r['ratio_to_ceiling']} of ceiling),"
                    f" p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, non-2xx {r['non_2xx']}"
                )
        results[engine] = figures
    path = write_result(
        "api",
        {
            "customers": args.customers,
            "duration_s": args.duration,
            "connections": args.connections,
            "server": "uvicorn, 1 process; load from wrk -t1 on loopback (2-core machine)",
            "ceiling": const,
            "engines": results,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
