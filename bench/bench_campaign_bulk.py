"""Benchmark: the office's bulk 代填 (self-check filled in as 无异常 and submitted) for 200 units.

    .venv/bin/python bench/bench_campaign_bulk.py [--db sqlite|postgres] [--units 200]

Uses a fresh SQLite file (/tmp/bench_campaign_bulk.sqlite3) or a PostgreSQL database
``bench_campaign_bulk`` on the server of $DATABASE_URL (created and dropped here). Two campaigns over the
same units: one is done with ``bulk_apply`` (what the 批量办理 page runs), the other, as the baseline
measured in the same run, by calling ``selfcheck_save`` for each unit directly. Printed: both times, the
ratio, and the queries per unit of the bulk path.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(db: str) -> None:
    from bench._database import fresh_database

    fresh_database("bench_campaign_bulk", db)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--units", type=int, default=200)
    args = parser.parse_args()
    setup(args.db)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bianzhi.roles import Role
    from tests.builders.campaign import make_campaign
    from tests.builders.registry import make_region, make_unit, make_user
    from verification.campaign import services as cs
    from verification.campaign.services import bulk

    region = make_region()
    staff = make_user("bench_staff", Role.OFFICE_STAFF, regions=[region], full_name="李编办")
    for i in range(args.units):
        make_unit(region, f"批量单位{i:04d}", quotas={"行政编制": 2})
    bulk_campaign = make_campaign(region, staff, name="批量")
    direct_campaign = make_campaign(region, staff, name="逐个")

    ids = list(bulk_campaign.units.values_list("pk", flat=True))
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        results = bulk.bulk_apply(
            bulk_campaign, ids, "selfcheck_clean", staff, {"on_behalf_reason": "无联络员"}
        )
    bulk_s = time.perf_counter() - start
    assert all(r.done for r in results), [r.message for r in results if not r.done][:3]

    start = time.perf_counter()
    for cu in direct_campaign.units.all():
        cs.selfcheck_save(
            cu=cu, answers=bulk.CLEAN_ANSWERS, actor=staff, on_behalf_reason="无联络员", submit=True
        )
    direct_s = time.perf_counter() - start

    n = len(ids)
    print(f"database: {args.db}, units: {n}")
    print(
        f"bulk_apply 代填自查并提交:           {bulk_s:6.2f} s  ({len(queries.captured_queries) / n:.1f} queries per unit)"
    )
    print(f"baseline, selfcheck_save per unit: {direct_s:6.2f} s")
    print(f"ratio bulk / baseline:             {bulk_s / direct_s:6.2f}")


if __name__ == "__main__":
    main()
