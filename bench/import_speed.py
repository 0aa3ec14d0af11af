"""Import speed on real data: the SNAP Higgs activity file and the PHEME Twitter v1.1 file from ../shared/data.

Imports each file into a fresh temporary warehouse, then again (all duplicates), and prints rows per
second; the last line is one JSON object for scripts.

    python -m bench.import_speed
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from core.db import warehouse
from core.ingest import import_files

SHARED = warehouse.REPO_ROOT.parent / "shared" / "data"
FILES = (
    SHARED / "snap-higgs-twitter" / "higgs-activity_time.txt.gz",
    SHARED / "pheme-rnr-charliehebdo" / "tweets-raw-v1.1.jsonl.gz",
)


def timed_import(con, path: Path) -> tuple[float, int, dict[str, int]]:
    """Seconds taken, records read and rows added by importing one file."""
    start = time.perf_counter()
    report = import_files(con, [path])
    return time.perf_counter() - start, report.files[0].rows, report.added


def main() -> int:
    missing = [str(p) for p in FILES if not p.exists()]
    if missing:
        print(
            "bench.import_speed needs the real data sets in ../shared/data beside this checkout, "
            f"and this machine does not have them (missing: {', '.join(missing)}).",
            file=sys.stderr,
        )
        return 2
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for number, path in enumerate(FILES):
            con = warehouse.connect(Path(folder) / f"bench{number}.duckdb")
            try:
                first, rows, added = timed_import(con, path)
                again, _, _ = timed_import(con, path)
            finally:
                con.close()
            print(
                f"{path.name}: {rows:,} records in {first:.2f} s ({rows / first:,.0f}/s); "
                f"re-import (all duplicates) {again:.2f} s ({rows / again:,.0f}/s); added {added}"
            )
            results.append(
                {
                    "file": path.name,
                    "records": rows,
                    "seconds": round(first, 3),
                    "records_per_second": round(rows / first),
                    "reimport_seconds": round(again, 3),
                    "added": added,
                }
            )
    print(json.dumps({"bench": "import_speed", "files": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
