"""The province-scale bench of issue 17 point 3: see ``bench/province/__init__.py`` for what it does.

.venv/bin/python bench/bench_province.py generate [--counties-per-city 10 --units 500 --people 10000]
.venv/bin/python bench/bench_province.py run [--users 50 --duration 5m] [--no-compare] [--no-restore]
.venv/bin/python bench/bench_province.py queries      # only the list pages' query counts at two sizes
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import bench.province as doc

    parser = argparse.ArgumentParser(
        description=doc.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="build bench_province and dump it")
    gen.add_argument("--cities", type=int, default=10)
    gen.add_argument("--counties-per-city", type=int, default=10)
    gen.add_argument("--units", type=int, default=500, help="units per county")
    gen.add_argument("--people", type=int, default=10_000, help="people per county")
    gen.add_argument("--no-files", action="store_true", help="skip the partner files")
    gen.add_argument("--no-dump", action="store_true")
    run = sub.add_parser("run", help="restore, serve, load-test, print the figures")
    run.add_argument("--users", type=int, default=50)
    run.add_argument("--spawn-rate", type=float, default=5)
    run.add_argument("--duration", default="5m")
    run.add_argument("--workers", type=int, default=4)
    run.add_argument(
        "--threads",
        type=int,
        default=1,
        help="1: sync workers, as scripts/run serves; N: gthread threads per worker",
    )
    run.add_argument("--port", type=int, default=8790)
    run.add_argument("--no-restore", action="store_true", help="use bench_province as it is")
    run.add_argument("--no-compare", action="store_true", help="no comparison during the load")
    run.add_argument("--compare-at", type=float, default=60, help="seconds into the load to submit it")
    run.add_argument("--no-queries", action="store_true", help="skip the query counts")
    sub.add_parser("queries", help="the list pages' query counts at two sizes (bench_province as it is)")
    args = parser.parse_args()
    if args.command == "generate":
        from bench.province.generate import generate

        generate(
            cities=args.cities,
            per_city=args.counties_per_city,
            units=args.units,
            people=args.people,
            files=not args.no_files,
            dump=not args.no_dump,
        )
    elif args.command == "run":
        from bench.province.run import run

        run(args)
    else:
        from bench.province.run import query_counts_main

        query_counts_main()


if __name__ == "__main__":
    main()
