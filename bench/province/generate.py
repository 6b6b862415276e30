"""The province database for the bench: regions, units, people, limits, requests, accounts, partner files.

Called by ``bench/bench_province.py generate``; see the package docstring. Everything is deterministic
(seeded), so a re-generation gives the same register, accounts and partner files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "bench_province"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE_URL = f"{SERVER}/{DB_NAME}"
DATA_DIR = Path("/tmp/bench_province_data")
WORK_DIR = Path("/tmp/bench_province")
DUMP = Path("/tmp/bench_province.dump")
PASSWORD = "Bench@2026prov"

PROVINCE = ("620000", "压测省")
CITIES = 10
COUNTIES_PER_CITY = 10
UNITS_PER_COUNTY = 500
PEOPLE_PER_COUNTY = 10_000
LIAISONS_PER_COUNTY = 5
REQUESTS_PER_COUNTY = 4

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红鹏辉建俊峰婷雪梅琳晨浩宇欣怡子涵"
NATURES = [  # nature, establishment type, staff category
    ("行政机关", "行政编制", "公务员"),
    ("参公事业单位", "参公事业编制", "参公人员"),
    ("事业单位", "事业编制", "专业技术人员"),
]
SYSTEMS = ["政府", "党委", "政府", "群团", "政府", "乡镇"]


def environ() -> dict[str, str]:
    """The environment every bench process (generator, runner, gunicorn, worker) runs with."""
    return {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "bianzhi.settings",
        "BIANZHI_DATA_DIR": str(DATA_DIR),
        "SECRET_KEY": "bench-province-not-secret-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "BIANZHI_UPLOAD_MAX_MB": "400",
        "BIANZHI_IMPORT_MAX_ROWS": "3000000",
        "LOG_LEVEL": "WARNING",
    }


def django_setup() -> None:
    os.environ.update(environ())
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


# ---- the shape of the province ---------------------------------------------------------------------


@dataclass
class County:
    code: str
    name: str
    city: str
    index: int  # 0..99, the county's place in the province


@dataclass
class Shape:
    province: tuple[str, str]
    cities: list[tuple[str, str]] = field(default_factory=list)
    counties: list[County] = field(default_factory=list)


def shape(cities: int = CITIES, per_city: int = COUNTIES_PER_CITY) -> Shape:
    """GB/T 2260-shaped codes: the province 620000, cities 62CC00, their counties 62CCDD (DD from 21)."""
    s = Shape(PROVINCE)
    for c in range(1, cities + 1):
        city = (f"62{c:02d}00", f"压测{c:02d}市")
        s.cities.append(city)
        for d in range(per_city):
            code = f"62{c:02d}{21 + d:02d}"
            s.counties.append(County(code, f"压测{c:02d}市{d + 1:02d}县", city[0], len(s.counties)))
    return s


_BIRTHS: dict[int, dt.date] = {}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def make_id(i: int, region: str) -> tuple[str, dt.date]:
    """A valid 18-digit number unique for each i (birth day i // 900, sequence i % 900)."""
    day = (i // 900) % 14000
    birth = _BIRTHS.get(day)
    if birth is None:
        birth = _BIRTHS[day] = dt.date(1962, 1, 1) + dt.timedelta(days=day)
    body = f"{region}{birth:%Y%m%d}{i % 900 + 100:03d}"
    check = "10X98765432"[sum(int(a) * w for a, w in zip(body, WEIGHTS, strict=True)) % 11]
    return body + check, birth


def unit_plan(county: County, units: int, people: int):
    """One county's units (a UnitsPlan for ``load_units``) with the quotas and posts its people fit in."""
    from bianzhi.lib.idnumbers import make_credit_code
    from units.services import bulk

    per_unit = people // units
    approval = f"{county.name}编发〔2024〕1号"
    plan = bulk.UnitsPlan()
    admin_total = public_total = 0
    for k in range(1, units + 1):
        nature, etype, _ = NATURES[k % 3]
        gid = county.index * units + k  # the unit's number in the province (1..50,000)
        funding = "自收自支" if k % 10 == 0 else ("差额补贴" if k % 7 == 0 else "全额拨款")
        if nature == "行政机关":
            funding = "全额拨款"
        approved = per_unit + 1 + k % 4  # every unit keeps a vacancy of 1 to 4
        if etype == "行政编制":
            admin_total += approved
        else:
            public_total += approved
        prefix = ("11" if nature == "行政机关" else "12") + county.code
        plan.new_units.append(
            bulk.NewUnit(
                key=str(gid),
                fields={
                    "name": f"{county.name}第{k:03d}号单位{'局' if nature == '行政机关' else '中心'}",
                    "nature": nature,
                    "system": "乡镇" if k % 4 == 0 else SYSTEMS[k % 5],
                    "rank": "正科级" if k % 9 == 0 else "未定级",
                    "funding": funding,
                    "institution_class": "公益一类" if nature == "事业单位" else "",
                    "township": f"第{k % 20 + 1}镇" if k % 4 == 0 else "",
                    "is_confidential": False,
                    "duties": "",
                    "founded_on": dt.date(2000 + k % 20, 1 + k % 12, 1),
                    "credit_code": make_credit_code(k, prefix=prefix),
                },
                aliases=[f"{gid}号单位"],
                quotas={etype: approved},
                earmark=2 if etype == "行政编制" else 0,
                posts={"单位正职": 1, "单位副职": 2},
                founding_number="",
                approval_number=approval,
                effective_on=dt.date(2024, 12, 31),
            )
        )
    plan.limits = [
        bulk.LimitDraft("行政编制", dt.date(2024, 1, 1), approval, admin_total + 50, "压测限额"),
        bulk.LimitDraft("事业编制", dt.date(2024, 1, 1), approval, public_total + 100, "压测限额"),
    ]
    return plan


def staff_plan(county: County, unit_ids: list[int], people: int, rnd: random.Random):
    """One county's people, round-robin over its units: the first of each unit holds the 单位正职, the
    next two the 单位副职, the sixth of an organ is a 军转干部 (at most the earmark of 2)."""
    from units.models import Person
    from units.services import bulk

    plan = bulk.StaffPlan()
    n_units = len(unit_ids)
    base = county.index * people
    for j in range(people):
        k = j % n_units  # the unit's position in the county (its nature is NATURES[(k + 1) % 3])
        rank_in_unit = j // n_units
        _, etype, category = NATURES[(k + 1) % 3]
        number, birth = make_id(base + j, county.code)
        name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if j % 3 else "")
        if j % 97 == 0:
            name = "阿依古丽·" + name
        post = "单位正职" if rank_in_unit == 0 else ("单位副职" if rank_in_unit in (1, 2) else "无")
        plan.new_people.append(
            Person(
                unit_id=unit_ids[k],
                name=name,
                id_number=number,
                sex="男" if int(number[16]) % 2 else "女",
                birth_date=birth,
                establishment_type=etype,
                category=category,
                leader_post=post,
                is_military_transfer=etype == "行政编制" and rank_in_unit == 5,
                entry_method="军转安置" if etype == "行政编制" and rank_in_unit == 5 else "考录",
                entered_on=dt.date(2010 + j % 14, 1 + j % 12, 1 + j % 28),
                education="大学本科" if j % 2 else "研究生",
                political_status="中共党员" if j % 3 else "群众",
                ethnicity="汉族",
            )
        )
    return plan


def load_county(county: County, region, units: int, people: int, rnd: random.Random) -> list[int]:
    from units.models import Unit
    from units.services import bulk

    plan = unit_plan(county, units, people)
    bulk.load_units(
        plan, region=region, actor=None, filename=f"{county.code}机构.xlsx", over_quota=[], over_posts=[]
    )
    ids = list(Unit.objects.filter(region=region).order_by("sort_order", "id").values_list("pk", flat=True))
    staff = staff_plan(county, ids, people, rnd)
    bulk.load_staff(
        staff, region=region, actor=None, filename=f"{county.code}实有人员.xlsx", over_quota=[], over_posts=[]
    )
    return ids


# ---- accounts --------------------------------------------------------------------------------------


def make_accounts(s: Shape, regions: dict, unit_ids: dict[str, list[int]]) -> dict[str, list[str]]:
    """Every level's accounts, one password hash for all (hashing is 0.4 s each); returns them by kind."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from accounts.models import PasswordHistory
    from bianzhi.models import Profile
    from bianzhi.roles import Role, ensure_groups
    from units.models import Unit

    User = get_user_model()
    groups = ensure_groups()
    hashed = make_password(PASSWORD)
    wanted: list[tuple[str, Role, str, list, list[int], str]] = []  # name, role, full, regions, units, dept

    def add(name, role, full, regs, units=(), dept="编办"):
        wanted.append((name, role, full, regs, list(units), dept))

    province = regions[s.province[0]]
    add("prov_admin", Role.OFFICE_ADMIN, "省编办管理员", [province])
    for i in range(1, 4):
        add(f"prov_staff{i}", Role.OFFICE_STAFF, f"省编办工作人员{i}", [province])
    add("prov_leader", Role.SUPERVISOR, "省编办领导", [province])
    for code, _name in s.cities:
        cc = code[2:4]
        add(f"city{cc}_staff", Role.OFFICE_STAFF, f"{cc}市编办工作人员", [regions[code]])
        add(f"city{cc}_leader", Role.SUPERVISOR, f"{cc}市编办领导", [regions[code]])
    for county in s.counties:
        cc = county.code[2:]
        region = regions[county.code]
        add(f"cty{cc}_staff", Role.OFFICE_STAFF, f"{county.name}编办工作人员", [region])
        add(f"cty{cc}_admin", Role.OFFICE_ADMIN, f"{county.name}编办管理员", [region])
        ids = unit_ids[county.code]
        for n in range(LIAISONS_PER_COUNTY):
            granted = [ids[(n * 37) % len(ids)], ids[(n * 37 + 11) % len(ids)]]
            add(f"lia{cc}_{n + 1}", Role.LIAISON, f"{county.name}联络员{n + 1}", [], granted, "单位")
    for source, dept in (("org", "省委组织部"), ("fin", "省财政厅"), ("si", "省人力资源和社会保障厅")):
        add(f"prt_{source}", Role.PARTNER, f"{dept}经办人", [province], dept=dept)
        for county in s.counties[:: max(1, len(s.counties) // 10)]:
            cdept = {"org": "县委组织部", "fin": "县财政局", "si": "县人社局"}[source]
            add(f"prt{county.code[2:]}_{source}", Role.PARTNER, f"{county.name}{cdept}经办人",
                [regions[county.code]], dept=cdept)  # fmt: skip

    users = User.objects.bulk_create([User(username=w[0], password=hashed) for w in wanted], batch_size=2000)
    PasswordHistory.objects.bulk_create([PasswordHistory(user=u, password=hashed) for u in users])
    profiles = Profile.objects.bulk_create(
        [Profile(user=u, full_name=w[2], department=w[5]) for u, w in zip(users, wanted, strict=True)]
    )
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=u.pk, group_id=groups[w[1]].pk) for u, w in zip(users, wanted, strict=True)]
    )
    Scope = Profile.regions.through
    Scope.objects.bulk_create(
        [Scope(profile_id=p.pk, region_id=r.pk) for p, w in zip(profiles, wanted, strict=True) for r in w[3]]
    )
    from django.contrib.auth.models import Permission

    ct = ContentType.objects.get_for_model(Unit)
    perm = Permission.objects.get(content_type=ct, codename="liaise_unit")
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(user=u, permission=perm, content_type=ct, object_pk=str(unit_id))
            for u, w in zip(users, wanted, strict=True)
            for unit_id in w[4]
        ]
    )
    kinds: dict[str, list[str]] = {}
    for w in wanted:
        kinds.setdefault(str(w[1].value), []).append(w[0])
    return kinds


def make_requests(s: Shape, regions: dict) -> int:
    """A few 用编申请 per county: filed by a liaison for a granted unit; half approved by the county office
    (编制使用单 issued), the rest left pending for the dashboards and lists."""
    from django.contrib.auth import get_user_model

    from units.models import Unit
    from units.selectors import liaison_unit_ids
    from units.services import slips

    User = get_user_model()
    made = 0
    for county in s.counties:
        cc = county.code[2:]
        staff = User.objects.get(username=f"cty{cc}_staff")
        for n in range(REQUESTS_PER_COUNTY):
            liaison = User.objects.get(username=f"lia{cc}_{n % LIAISONS_PER_COUNTY + 1}")
            unit = Unit.objects.get(pk=sorted(liaison_unit_ids(liaison))[0])
            etype = unit.quotas.order_by("id").first().establishment_type
            req = slips.request_create(
                unit=unit,
                establishment_type=etype,
                count=1,
                reason="压测：岗位空缺，申请补充人员",
                entry_method="考录",
                planned_on=dt.date(2026, 12, 31),
                actor=liaison,
            )
            if n % 2 == 0:
                slips.request_approve(request=req, actor=staff)
            made += 1
    return made


def make_documents(s: Shape, regions: dict, per_county: int = 20) -> int:
    from archives.services import document_create

    made = 0
    for county in s.counties:
        for n in range(1, per_county + 1):
            document_create(
                region=regions[county.code],
                number=f"{county.name}编发〔2025〕{n + 1}号",
                title=f"关于{county.name}第{n:03d}号单位机构编制事项的批复",
                issuer=f"中共{county.name}委机构编制委员会",
                issued_on=dt.date(2025, 1 + n % 12, 1 + n % 28),
                actor=None,
            )
            made += 1
    return made


# ---- partner files ---------------------------------------------------------------------------------


def partner_files(s: Shape, units: int, people: int, outdir: Path = WORK_DIR) -> dict[str, Path]:
    """The province's three partner files (CSV), generated from this register with bench_compare's noise."""
    from bench.bench_compare import gen_partner_rows, write_files
    from verification.compare.data import Register, RegUnit

    reg_units, reg_people = {}, {}
    for county in s.counties:
        plan = unit_plan(county, units, people)
        gids = []
        for u in plan.new_units:
            gid = int(u.key)
            f = u.fields
            reg_units[gid] = RegUnit(
                gid, f["name"], f["nature"], f["funding"], f["credit_code"], f["township"]
            )
            gids.append(gid)
        staff = staff_plan(county, gids, people, random.Random(int(county.code)))
        for p in staff.new_people:
            reg_people[p.id_number] = (
                p.name,
                p.unit_id,
                p.establishment_type,
                p.category,
                p.leader_post,
                p.is_military_transfer,
            )
    register = Register(units=reg_units, people=reg_people)
    rows = gen_partner_rows(register, "province")
    outdir.mkdir(parents=True, exist_ok=True)
    files = write_files(rows, "csv", outdir)
    return {source: Path(p) for source, p in files.items()}


# ---- the whole database ----------------------------------------------------------------------------


def _set_levels(Region) -> None:
    """省级/市级/县级 from the code when the model has levels (issue 17) and add_region left the default."""
    try:
        from bianzhi.models import level_from_code
    except ImportError:
        return
    for region in Region.objects.all():
        level = level_from_code(region.code)
        if region.level != level:
            Region.objects.filter(pk=region.pk).update(level=level)


def generate(*, cities: int, per_city: int, units: int, people: int, files: bool, dump: bool) -> None:
    t0 = time.perf_counter()
    fresh_database()
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    from bianzhi.models import Region

    call_command("migrate", verbosity=0)
    print(f"migrated {DB_NAME} in {time.perf_counter() - t0:.1f} s", flush=True)
    s = shape(cities, per_city)
    quiet = {"stdout": io.StringIO()}
    call_command("add_region", *s.province, **quiet)
    for code, name in s.cities:
        call_command("add_region", code, name, "--parent", s.province[0], **quiet)
    for county in s.counties:
        call_command("add_region", county.code, county.name, "--parent", county.city, **quiet)
    _set_levels(Region)
    regions = {r.code: r for r in Region.objects.all()}
    t = time.perf_counter()
    unit_ids = {}
    for county in s.counties:
        unit_ids[county.code] = load_county(
            county, regions[county.code], units, people, random.Random(int(county.code))
        )
        if county.index % 10 == 9:
            done = county.index + 1
            print(
                f"  {done} counties: {done * units:,} units, {done * people:,} people "
                f"({time.perf_counter() - t:.0f} s)",
                flush=True,
            )
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    kinds = make_accounts(s, regions, unit_ids)
    docs = make_documents(s, regions)
    requests = make_requests(s, regions)
    extra_s = time.perf_counter() - t
    connection.close()
    subprocess.run(["psql", "-q", DATABASE_URL, "-c", "VACUUM ANALYZE"], check=True)
    counts = {k: len(v) for k, v in sorted(kinds.items())}
    print(
        f"loaded {len(s.counties)} counties, {len(s.counties) * units:,} units and "
        f"{len(s.counties) * people:,} people through the 建账 services in {load_s:.0f} s; "
        f"accounts {counts}, {docs} Documents, {requests} 用编申请 in {extra_s:.0f} s",
        flush=True,
    )
    if files:
        t = time.perf_counter()
        written = partner_files(s, units, people)
        sizes = ", ".join(f"{k}={p.stat().st_size / 1e6:.0f} MB" for k, p in written.items())
        print(f"partner files {sizes} in {time.perf_counter() - t:.0f} s", flush=True)
    if dump:
        connection.close()
        t = time.perf_counter()
        subprocess.run(["pg_dump", "-Fc", "-Z", "1", "-f", str(DUMP), DATABASE_URL], check=True)
        print(f"pg_dump → {DUMP} ({DUMP.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.0f} s")
    print(f"generate: {time.perf_counter() - t0:.0f} s in all", flush=True)


def restore() -> float:
    """The dump back into a fresh bench_province (parallel restore), vacuumed as autovacuum keeps a
    production database (this machine's CI cluster runs with autovacuum off: restored tables had no
    visibility map, so PostgreSQL read the heap where an index-only scan serves); seconds taken."""
    t = time.perf_counter()
    fresh_database()
    subprocess.run(["pg_restore", "-j", "2", "--no-owner", "-d", DATABASE_URL, str(DUMP)], check=True)
    subprocess.run(["psql", "-q", DATABASE_URL, "-c", "VACUUM ANALYZE"], check=True)
    return time.perf_counter() - t
