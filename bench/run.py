"""`make bench`: every benchmark, results in bench/results/*.json."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = os.environ.get("BENCH_CUSTOMERS", "100000")

BENCHES = [
    ["api_bench.py", "--customers", SIZE],
]

for extra in (
    "search_bench.py", "dedupe_bench.py", "ingest_bench.py", "import_bench.py", "dashboard_bench.py"
):  # fmt: skip
    if (HERE / extra).exists():
        BENCHES.append([extra, "--customers", SIZE])

failed = []
for bench in BENCHES:
    print(f"== {' '.join(bench)}", flush=True)
    if subprocess.run([sys.executable, str(HERE / bench[0]), *bench[1:]], cwd=HERE).returncode:
        failed.append(bench[0])
if failed:
    sys.exit(f"failed: {', '.join(failed)}")
