"""Benchmark of the comparison (issue 5): end-to-end time and peak memory, with a polars baseline.

    .venv/bin/python bench/bench_compare.py --scale county     # 10,000 people, xlsx files, real DB + command
    .venv/bin/python bench/bench_compare.py --scale province   # 1,000,000 people, 3 × 1,000,000-row files
    .venv/bin/python bench/bench_compare.py --scale province --register-from db [--database-url postgres://…/bench_x]

County (and province with ``--register-from db``): the register goes into a fresh database (SQLite, or
the PostgreSQL database given; bulk inserts — the services are not the thing measured), and
``manage.py compare`` runs as a subprocess, end to end: start-up, loading the register from the
database, reading the files, comparing, writing the workbook. Province otherwise builds the register in
memory with the same structures ``load_register`` returns. The partner files are .xlsx for the county
and CSV for the province (``--format xlsx`` writes real .xlsx files with the fast writer of
``verification.compare.xlsxout``; ``--reuse`` keeps the files of an earlier run).

Then a child process times each phase (register, read, compare, write) and, in the same process over
the same rows already in memory, runs alternately ``--repeat`` times: the engine's whole compare, its
matching step alone (``engine.link``: units resolved, rows linked to register people) and a plain
polars join (frames built from the same rows, then anti joins both ways and an inner join with a unit
compare). The minimum of each is compared (the machine may be shared: the load average is printed).
Peak memory is the child's ru_maxrss, taken before the repetitions.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import operator
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SCALES = {"county": (10_000, 300), "province": (1_000_000, 20_000)}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建华俊峰婷雪梅琳晨浩宇欣怡子涵"
NATURES = [
    ("行政机关", "行政编制", "公务员"),
    ("参公事业单位", "参公事业编制", "参公人员"),
    ("事业单位", "事业编制", "专业技术人员"),
]


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianzhi.settings")
    os.environ["BIANZHI_IMPORT_MAX_ROWS"] = "3000000"
    os.environ["BIANZHI_UPLOAD_MAX_MB"] = "2000"
    import django

    django.setup()


_BIRTHS: dict[int, str] = {}
_WEIGHT_SUM = 48 * sum(WEIGHTS)


def make_id(i: int, region: int) -> str:
    day = (i // 900) % 14000
    birth = _BIRTHS.get(day)
    if birth is None:
        birth = _BIRTHS[day] = f"{dt.date(1960, 1, 1) + dt.timedelta(days=day):%Y%m%d}"
    body = f"{region:06d}{birth}{i % 900 + 100:03d}"
    return body + "10X98765432"[(sum(map(operator.mul, body.encode(), WEIGHTS)) - _WEIGHT_SUM) % 11]


def gen_register(scale: str):
    """Units and people; deterministic (seeded) so parent and child build the same register."""
    from bianzhi.lib.idnumbers import make_credit_code
    from verification.compare.data import Register, RegUnit

    people_n, units_n = SCALES[scale]
    rnd = random.Random(5)
    units, quotas, posts, aliases = {}, {}, {}, []
    for u in range(1, units_n + 1):
        nature, etype, _ = NATURES[u % 3]
        funding = "自收自支" if u % 10 == 0 else ("差额补贴" if u % 7 == 0 else "全额拨款")
        units[u] = RegUnit(
            u,
            f"第{u}号单位{'局' if nature == '行政机关' else '中心'}",
            nature,
            funding,
            make_credit_code(u),
            township="" if u % 4 else f"第{u % 40}镇",
        )
        aliases.append((u, f"{u}号单位"))
        quotas[(u, etype)] = (people_n // units_n + rnd.randint(-3, 3), 2 if nature == "行政机关" else 0)
        posts[(u, "单位正职")], posts[(u, "单位副职")] = 1, 2
    people = {}
    for i in range(people_n):
        u = i % units_n + 1
        _, etype, category = NATURES[u % 3]
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if i % 3 else "")
        if i % 97 == 0:
            name = "阿依古丽·" + name
        post = "单位正职" if i < units_n else ("单位副职" if i < 3 * units_n else "无")
        people[make_id(i, 621100 + i % 50)] = (name, u, etype, category, post, i % 53 == 0)
    return Register(units=units, people=people, aliases=aliases, quotas=quotas, posts=posts)


def gen_partner_rows(register, scale: str):
    """Partner rows (dicts of cells) with the noise FORMATS.md allows and some real differences."""
    rnd = random.Random(7)
    units = register.units
    n = len(register.people)
    out = {"org": [], "finance": [], "si": []}
    for k, (pid, (name, u, _etype, category, post, _mil)) in enumerate(register.people.items()):
        written_id = (
            pid.lower() if pid.endswith("X") and k % 2 else (pid[:6] + pid[8:17] if k % 50 == 0 else pid)
        )
        written_name = name[:1] + "\u3000" + name[1:] if k % 40 == 0 else name
        r = k % 10
        unit_name, credit = (
            (units[u].name, "")
            if r < 8
            else ((f"{u}号单位", "") if r == 8 else ("旧名称", units[u].credit_code))
        )
        moved = units[u % len(units) + 1].name
        org_cat = category if category in ("公务员", "参公人员") else "事业人员"
        out["org"].append(
            {
                "姓名": written_name,
                "公民身份号码": written_id,
                "单位名称": moved if k % 200 == 1 else unit_name,
                "统一社会信用代码": credit,
                "人员类别": org_cat,
                "领导职务": "" if post == "无" or k % 300 == 2 else post,
            }
        )
        if units[u].funding != "自收自支" and k % 150 != 3:
            out["finance"].append(
                {
                    "姓名": written_name,
                    "公民身份号码": written_id,
                    "单位名称": moved if k % 250 == 4 else unit_name,
                    "统一社会信用代码": credit,
                }
            )
        if k % 30 == 5:
            out["si"].append(
                {"姓名": name, "公民身份号码": pid, "参保单位名称": moved, "参保状态": "终止参保"}
            )
        out["si"].append(
            {
                "姓名": written_name,
                "公民身份号码": written_id,
                "参保单位名称": unit_name,
                "统一社会信用代码": credit,
                "参保状态": "暂停缴费" if k % 120 == 6 else "参保缴费",
            }
        )
    for source, rows in out.items():  # strangers, unknown units and invalid numbers up to ~n rows
        j = 0
        while len(rows) < n:
            j += 1
            row = {
                "姓名": "外来人员",
                "公民身份号码": make_id(j, 620000 + j % 90),
                ("参保单位名称" if source == "si" else "单位名称"): f"外县单位{j % 37}"
                if j % 5 == 0
                else units[j % len(units) + 1].name,
            }
            if j % 101 == 0:
                row["公民身份号码"] = row["公民身份号码"][:17] + "Z"
            row.update({"人员类别": "公务员", "领导职务": ""} if source == "org" else {})
            row.update({"参保状态": "参保缴费"} if source == "si" else {})
            rows.append(row)
        rnd.shuffle(rows)
    return out


def write_files(rows, fmt: str, outdir: Path) -> dict[str, Path]:
    from bianzhi.lib.xlsx import SheetSpec
    from tests.builders.compare import HEADERS
    from verification.compare.xlsxout import write_fast_workbook

    files = {}
    for source, data in rows.items():
        path = outdir / f"bench_{source}.{fmt}"
        if fmt == "xlsx":  # a real .xlsx, written fast (openpyxl needs minutes for 3 million rows)
            headers = HEADERS[source]
            grid = ([row.get(h, "") for h in headers] for row in data)
            write_fast_workbook(path, [SheetSpec("Sheet1", headers, grid)])
        else:
            with open(path, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(HEADERS[source])
                writer.writerows([row.get(h, "") for h in HEADERS[source]] for row in data)
        files[source] = path
    return files


def fresh_database(outdir: Path, scale: str, database_url: str | None) -> str:
    """An empty database for the register: a new SQLite file, or the PostgreSQL database named by
    ``database_url`` dropped and created again (its name must start with "bench")."""
    if not database_url:
        db = outdir / f"bench_{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg

    base, _, name = database_url.rpartition("/")
    if not name.startswith("bench"):
        raise SystemExit(
            f"--database-url: the database is dropped and created again, so its name must start with bench: {name}"
        )
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url


def populate_db(register) -> None:
    """The register into the database with bulk inserts (the thing measured is the comparison)."""
    from itertools import islice

    from tests.builders.registry import make_region
    from units.models import LeaderPostQuota, Person, Quota, Unit, UnitAlias

    region = make_region()
    Unit.objects.bulk_create(
        [
            Unit(
                id=u.id,
                region=region,
                name=u.name,
                nature=u.nature,
                funding=u.funding,
                credit_code=u.credit_code,
                system="政府",
                township=u.township,
                institution_class="公益一类" if u.nature == "事业单位" else "",
            )
            for u in register.units.values()
        ],
        batch_size=2000,
    )
    UnitAlias.objects.bulk_create(
        [UnitAlias(unit_id=u, name=a) for u, a in register.aliases], batch_size=2000
    )
    Quota.objects.bulk_create(
        [
            Quota(unit_id=u, establishment_type=t, approved=a, military_earmark=m)
            for (u, t), (a, m) in register.quotas.items()
        ],
        batch_size=2000,
    )
    LeaderPostQuota.objects.bulk_create(
        [LeaderPostQuota(unit_id=u, category=c, approved=a) for (u, c), a in register.posts.items()],
        batch_size=2000,
    )
    people = iter(register.people.items())
    while chunk := list(islice(people, 20_000)):  # a million model objects at once would need GiBs
        Person.objects.bulk_create(
            [
                Person(
                    unit_id=p[1],
                    name=p[0],
                    id_number=pid,
                    sex="男",
                    birth_date=dt.date(int(pid[6:10]), int(pid[10:12]), int(pid[12:14])),
                    establishment_type=p[2],
                    category=p[3],
                    leader_post=p[4],
                    is_military_transfer=p[5],
                    entered_on=dt.date(2015, 1, 1),
                )
                for pid, p in chunk
            ],
            batch_size=2000,
        )


def polars_baseline(register, sources) -> dict[str, float]:
    """A plain polars join over the same rows in memory: anti joins both ways, inner join + unit compare."""
    import polars as pl

    from verification.compare.matching import UnitMatcher

    t0 = time.perf_counter()
    matcher = UnitMatcher(register)
    reg = pl.DataFrame({"id": list(register.people), "unit": [p[1] for p in register.people.values()]})
    frames = {}
    for source, rows in sources.items():
        unit_of = [matcher.match(n, c) or 0 for n, c in rows.units]
        frames[source] = (
            pl.DataFrame({"id": rows.ids, "unit": [unit_of[r] for r in rows.unit_refs]})
            .filter(pl.col("id") != "")
            .unique("id", keep="first", maintain_order=True)
        )
    t1 = time.perf_counter()
    counts = {}
    for source, df in frames.items():
        counts[f"{source}_reg_not_in"] = reg.join(df, on="id", how="anti").height
        counts[f"{source}_not_in_reg"] = df.join(reg, on="id", how="anti").height
        both = reg.join(df, on="id", how="inner")
        counts[f"{source}_unit_mismatch"] = both.filter(pl.col("unit") != pl.col("unit_right")).height
    t2 = time.perf_counter()
    return {"polars_build_s": round(t1 - t0, 3), "polars_join_s": round(t2 - t1, 3), "polars_counts": counts}


def child(args) -> None:
    """One measured run: read → register → compare → write, then the polars baseline."""
    django_setup(args.db)
    from verification.compare import read_sources
    from verification.compare.engine import compare
    from verification.compare.workbook import write_result
    from verification.findings.register import load_register

    files = json.loads(args.files)
    times = {}
    t = time.perf_counter()
    if args.register == "db":
        register = load_register()
    else:
        register = gen_register(args.scale)
    times["register_s"] = time.perf_counter() - t
    t = time.perf_counter()
    read = read_sources(files)
    assert not read.errors, list(read.errors.values())[0][:5]
    times["read_s"] = time.perf_counter() - t
    rss_after_read = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    result = compare(register, read.rows)
    times["compare_s"] = time.perf_counter() - t
    t = time.perf_counter()
    write_result(args.out, result, register, list(read.rows))
    times["write_s"] = time.perf_counter() - t
    times["end_to_end_without_startup_s"] = sum(times.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {k: round(v, 3) for k, v in times.items()}
    out.update(
        findings=len(result.findings),
        by_code=dict(result.count_by_code()),
        peak_rss_mib=round(peak / 1024),
        rss_after_read_mib=round(rss_after_read / 1024),
    )
    del result
    out.update(compare_vs_polars(register, read.rows, args.repeat))
    print(json.dumps(out, ensure_ascii=False))


def compare_vs_polars(register, sources, repeat: int) -> dict:
    """The engine's compare step and the polars join, alternately, ``repeat`` times each, in this
    process over the same rows in memory: the minimum of each (the machine may be shared)."""
    import gc

    from verification.compare.engine import _no_gc, compare, link

    engine, matching, joins, builds, counts = [], [], [], [], {}
    load_before = os.getloadavg()
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        result = compare(register, sources)
        engine.append(time.perf_counter() - t)
        del result
        gc.collect()
        t = time.perf_counter()
        with _no_gc():
            runs = link(register, sources)
        matching.append(time.perf_counter() - t)
        del runs
        gc.collect()
        polars = polars_baseline(register, sources)
        joins.append(polars["polars_join_s"])
        builds.append(polars["polars_build_s"])
        counts = polars["polars_counts"]
    return {
        "repeat": repeat,
        "compare_min_s": round(min(engine), 3),
        "compare_runs_s": [round(x, 3) for x in engine],
        "matching_min_s": round(min(matching), 3),
        "matching_runs_s": [round(x, 3) for x in matching],
        "polars_join_s": min(joins),
        "polars_build_s": min(builds),
        "polars_join_runs_s": joins,
        "polars_counts": counts,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def run_child(argv: list[str]) -> tuple[dict, float, int]:
    t = time.perf_counter()
    proc = subprocess.run([PYTHON, __file__, *argv], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t
    if proc.returncode:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        raise SystemExit("child failed")
    return (
        json.loads(proc.stdout.strip().splitlines()[-1]),
        wall,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=SCALES, default="county")
    parser.add_argument("--format", choices=["xlsx", "csv"])
    parser.add_argument("--dir", default="/tmp/bench_compare")
    parser.add_argument(
        "--reuse", action="store_true", help="keep partner files from an earlier run of this scale and format"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="times the compare step and the polars join are timed (alternately; the minimum is reported)",
    )
    parser.add_argument(
        "--register-from",
        choices=["memory", "db"],
        help="province: build the register in memory (default) or load it into a database and run "
        "manage.py compare end to end as the county does (always db)",
    )
    parser.add_argument(
        "--database-url",
        help="with the database register: a PostgreSQL database to drop and fill (name starting with "
        "bench); default a SQLite file in --dir",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--register", default="memory", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    outdir = Path(args.dir)
    outdir.mkdir(parents=True, exist_ok=True)
    fmt = args.format or ("xlsx" if args.scale == "county" else "csv")
    from_db = args.scale == "county" or args.register_from == "db"
    database_url = fresh_database(outdir, args.scale, args.database_url if from_db else None)
    django_setup(database_url)
    t = time.perf_counter()
    register = gen_register(args.scale)
    files = {s: outdir / f"bench_{s}.{fmt}" for s in ("org", "finance", "si")}
    if not (args.reuse and all(p.is_file() for p in files.values())):
        rows = gen_partner_rows(register, args.scale)
        files = write_files(rows, fmt, outdir)
        del rows
    print(
        f"generated {len(register.people):,} people, {len(register.units):,} units; partner files ({fmt}): "
        + ", ".join(f"{s}={p.stat().st_size / 1e6:.1f} MB" for s, p in files.items())
        + f" in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    file_args = json.dumps({s: str(p) for s, p in files.items()})
    env_out = str(outdir / f"result_{args.scale}.xlsx")
    child_args = ["--child", "--scale", args.scale, "--db", database_url, "--files", file_args]
    child_args += ["--out", env_out, "--repeat", str(args.repeat)]
    if from_db:
        from django.core.management import call_command

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        populate_db(register)
        del register
        print(
            f"register loaded into {database_url.split(':')[0]} in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
        env = os.environ | {"DATABASE_URL": database_url}
        cmd = [
            PYTHON,
            "manage.py",
            "compare",
            *[x for s, p in files.items() for x in (f"--{s}", str(p))],
            "--out",
            env_out,
        ]
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - t
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(proc.stdout.strip().splitlines()[-1] if proc.stdout else proc.stderr)
        print(
            f"manage.py compare (subprocess, end to end incl. start-up and loading the register from the "
            f"database): {wall:.2f} s, exit {proc.returncode}, peak RSS {peak / 1024:.0f} MiB",
            flush=True,
        )
        child_args += ["--register", "db"]
    else:
        del register
    phases, wall2, _ = run_child(child_args)
    print(f"measured child run (wall {wall2:.1f} s incl. start-up):")
    print(json.dumps(phases, ensure_ascii=False, indent=1))
    engine, matching = phases["compare_min_s"], phases["matching_min_s"]
    join, build = phases["polars_join_s"], phases["polars_build_s"]
    runs = phases["repeat"]
    print(
        f"minimum of {runs} runs each, same process and data, run alternately; load average "
        f"{phases['loadavg_before'][0]} → {phases['loadavg_after'][0]} on {os.cpu_count()} CPUs\n"
        f"  polars baseline: build frames {build:.2f} s (unit matching included), join {join:.2f} s\n"
        f"  engine matching step (engine.link: units resolved, rows linked to people) {matching:.2f} s: "
        f"×{matching / max(join, 1e-6):.1f} the join, ×{matching / max(join + build, 1e-6):.1f} build+join\n"
        f"  engine compare (matching + every check + findings) {engine:.2f} s: "
        f"×{engine / max(join, 1e-6):.1f} the join, ×{engine / max(join + build, 1e-6):.1f} build+join"
    )


if __name__ == "__main__":
    main()
