"""Benchmark: the campaign page (``verification:campaign_detail``) at 30 and at 3,000 units.

    .venv/bin/python bench/bench_campaign_page.py [--db sqlite|postgres] [--units 3000]

Uses a fresh SQLite file (/tmp/bench_campaign_page.sqlite3) or a PostgreSQL database
``bench_campaign_page`` on the server of $DATABASE_URL. Two campaigns in one region: a small one (30
units, the baseline measured in the same run) and a big one (``--units``), the extra units and their
campaign rows built with bulk_create. Printed: the page's time (best of 3) and its queries for each,
and the ratio. Target: under 1 s at 3,000 units, the same number of queries as at 30.
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

    fresh_database("bench_campaign_page", db)


def grow(campaign, n: int, tag: str) -> None:
    """``n`` units of the region in ``campaign`` (every third under a 主管部门), built with bulk_create."""
    from units.models import Unit
    from verification.campaign.models import CampaignUnit

    base = Unit.objects.filter(region=campaign.region).order_by("id").first()
    units = Unit.objects.bulk_create(
        [
            Unit(
                region=campaign.region,
                name=f"{tag}单位{i:05d}",
                nature=base.nature,
                system=base.system,
                funding=base.funding,
                rank=base.rank,
                township=f"乡镇{i % 17}",
                parent=base if i % 3 == 0 else None,
                founding_document=base.founding_document,
                founded_on=base.founded_on,
            )
            for i in range(n)
        ],
        batch_size=500,
    )
    stages = list(campaign.stages)
    CampaignUnit.objects.bulk_create(
        [
            CampaignUnit(campaign=campaign, unit=u, stage=stages[i % 3], snapshot={"unit": {"name": u.name}})
            for i, u in enumerate(units)
        ],
        batch_size=500,
    )


def measure(client, url) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _ in range(3):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            took = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        best = took if best is None else min(best, took)
    return best, len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--units", type=int, default=3000)
    args = parser.parse_args()
    setup(args.db)

    from django.test import Client
    from django.urls import reverse

    from bianzhi.roles import Role
    from tests.builders.campaign import make_campaign
    from tests.builders.registry import make_region, make_unit, make_user

    region = make_region()
    staff = make_user("bench_staff", Role.OFFICE_STAFF, regions=[region], full_name="李编办")
    make_unit(region, "漳县教育局", quotas={"行政编制": 2})
    small = make_campaign(region, staff, name="小")  # one unit now; grown below
    big = make_campaign(region, staff, name="大")
    grow(small, 29, "小")
    grow(big, args.units - big.units.count(), "大")

    client = Client()
    client.force_login(staff)
    client.get(reverse("verification:campaign_detail", args=[small.pk]))  # warm up
    small_s, small_q = measure(client, reverse("verification:campaign_detail", args=[small.pk]))
    big_s, big_q = measure(client, reverse("verification:campaign_detail", args=[big.pk]))
    print(f"database: {args.db}")
    print(f"campaign page, {small.units.count():5d} units (baseline): {small_s:6.3f} s, {small_q} queries")
    print(f"campaign page, {big.units.count():5d} units:            {big_s:6.3f} s, {big_q} queries")
    print(f"ratio big / baseline: {big_s / small_s:6.2f}")


if __name__ == "__main__":
    main()
