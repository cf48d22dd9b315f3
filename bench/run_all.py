"""Run every benchmark and rewrite its section of docs/performance.md (`make bench`).

Sizes are the defaults of each script, chosen to finish in minutes on a 2-core machine; each script's docstring
gives the full-size command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_startup.py", "bench_extract.py", "bench_store.py", "bench_ingest.py", "bench_scale.py"]


def main() -> int:
    for script in BENCHES:
        print(f"== {script}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / script), "--write-docs"])
        if code != 0:
            print(f"{script} failed with exit code {code}", file=sys.stderr)
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
