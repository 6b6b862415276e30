"""Benchmark: queries and time of the unit list and unit detail pages at 10 and at 1,000 units.

    .venv/bin/python bench/bench_pages.py [--db sqlite|postgres]

Uses a fresh SQLite file (/tmp/bench_pages.sqlite3) or a PostgreSQL database ``bench_pages`` on the
server of $DATABASE_URL (created and dropped here). Data are written with bulk_create (this measures the
pages, not the services). Printed: the number of SQL queries and the median wall time of 5 requests per
page, for 10 and 1,000 units (each with 12 people), and as a baseline measured in the same run the time
of one plain query fetching the same units.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(db: str) -> None:
    from bench._database import fresh_database

    fresh_database("bench_pages", db)


def fill(n_units: int, start: int):
    from bianzhi.lib.idnumbers import make_id
    from tests.builders.registry import make_document, make_region
    from units.models import Person, Quota, Unit

    region = make_region()
    doc = make_document(region)
    units = Unit.objects.bulk_create(
        [
            Unit(
                region=region,
                name=f"压测单位{start + i:05d}",
                nature="行政机关",
                system="政府",
                funding="全额拨款",
                founding_document=doc,
                founded_on=dt.date(2000, 1, 1),
                township="" if i % 3 else "武阳镇",
            )
            for i in range(n_units)
        ]
    )
    Quota.objects.bulk_create([Quota(unit=u, establishment_type="行政编制", approved=10) for u in units])
    people = []
    for k, u in enumerate(units):
        for j in range(12):
            seq = (start + k) * 12 + j
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=seq // 500)
            people.append(
                Person(
                    unit=u,
                    name=f"人员{seq}",
                    id_number=make_id("621125", birth, seq % 500),
                    sex="男",
                    birth_date=birth,
                    establishment_type="行政编制",
                    category="公务员",
                    entered_on=dt.date(2015, 1, 1),
                )
            )
    Person.objects.bulk_create(people, batch_size=2000)
    return region, units


def measure(client, url: str) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(5):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    return queries, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    setup(args.db)
    from django.test import Client
    from django.urls import reverse

    from bianzhi.roles import Role
    from tests.builders.registry import make_user
    from units.models import Unit

    region, units = fill(10, 0)
    user = make_user("bench", Role.OFFICE_STAFF, regions=[region])
    client = Client()
    client.force_login(user)
    rows = []
    for total in (10, 1000):
        if total > len(units):
            units += fill(total - len(units), len(units))[1]
        start = time.perf_counter()
        list(Unit.objects.filter(region=region).order_by("sort_order", "id")[:50])
        baseline = time.perf_counter() - start
        q_list, t_list = measure(client, reverse("units:unit_list"))
        q_detail, t_detail = measure(client, reverse("units:unit_detail", args=[units[-1].pk]))
        rows.append((total, q_list, t_list, q_detail, t_detail, baseline))
    print(f"数据库 {args.db}：每个单位 12 人")
    print(
        f"{'单位数':>6} {'列表查询数':>8} {'列表耗时':>9} {'详情查询数':>8} {'详情耗时':>9} {'基线(一次查询)':>12}"
    )
    for total, q_list, t_list, q_detail, t_detail, baseline in rows:
        print(
            f"{total:>8} {q_list:>12} {t_list * 1000:>9.1f}ms {q_detail:>12} {t_detail * 1000:>9.1f}ms "
            f"{baseline * 1000:>12.2f}ms"
        )
    same = rows[0][1] == rows[1][1] and rows[0][3] == rows[1][3]
    print("查询数不随行数增长" if same else "注意：查询数随行数变化")


if __name__ == "__main__":
    main()
