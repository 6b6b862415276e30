"""Load the demo county (漳县) through the real services and import path, and print the demo accounts."""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.services.regions import region_add
from archives.services import document_create, find_document
from bianzhi import workdays
from bianzhi.lib.xlsx import SheetSpec, write_workbook
from bianzhi.models import Profile, Region
from bianzhi.roles import Role
from demo import county as demo
from demo import hierarchy as demo_hierarchy
from demo import keytasks as demo_keytasks
from demo import registration as demo_registration
from demo import supervision as demo_supervision
from demo import year as demo_year
from demo import yearbook as demo_yearbook
from units import services
from units.models import Person, Unit

DEMO_PASSWORD = "Bianzhi@2021"
DEMO_ACCOUNTS = [
    ("admin", Role.OFFICE_ADMIN, "王管理", "县委编办"),
    ("staff", Role.OFFICE_STAFF, "李编办", "县委编办"),
    ("leader", Role.SUPERVISOR, "赵主任", "县委编办"),
    ("liaison", Role.LIAISON, "孙联络", "漳县财政局"),
    ("partner", Role.PARTNER, "周经办", "漳县人力资源和社会保障局"),
    # 三员分立: three administrators, none of them holding a business role
    ("sysadmin", Role.SYSTEM_ADMIN, "吴系统", "县委编办"),
    ("secadmin", Role.SECURITY_ADMIN, "郑安全", "县委编办"),
    ("auditor", Role.AUDIT_ADMIN, "冯审计", "县委编办"),
]
LIAISON_UNIT = "漳县财政局"


class Command(BaseCommand):
    help = """载入演示县（漳县）：约三百个机构、三千余名实有人员、文件、限额、若干超编超职数单位，
以及组织、财政、人社部门的比对文件（写入 data/demo/），并创建每个角色的演示账号。

Load the demo county through the real import path and services. Refuses to run on a database
that already holds units (use a fresh database)."""

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20211231, help="随机种子（同一种子得到同一县）")

    def handle(self, *args, seed: int, **options):
        from django.conf import settings

        from units.imports import import_staff_file, import_units_file

        if Unit.objects.exists():
            self.stdout.write("数据库中已有机构数据，未载入演示数据。")
            return
        if refusal := _real_database():
            self.stderr.write(refusal)
            raise SystemExit(1)
        started = time.monotonic()
        # the demo's years need their working days: the holiday table is seeded by a migration, but a
        # database emptied since (a flush) has none, and the demo's notices then could not be dated
        workdays.seed_from_package()
        county = demo.build_county(seed)
        out = settings.DATA_DIR / "demo"
        out.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            region = region_add(demo.REGION_CODE, demo.REGION_NAME)[0]
            admin = self._accounts(region)
            for number, title, issued_on, kind in county.documents:
                document_create(
                    region=region,
                    number=number,
                    title=title,
                    issued_on=issued_on,
                    kind=kind,
                    issuer=demo.COMMITTEE if kind != "上级文件" else "上级机构编制部门",
                    actor=admin,
                )
            units_path, staff_path = out / "机构.xlsx", out / "实有人员.xlsx"
            write_workbook(
                units_path,
                [
                    SheetSpec("机构", demo.UNITS_HEADERS, demo.units_rows(county)),
                    SheetSpec(
                        "限额",
                        ["日期", "文号", "编制类型", "增减数", "说明"],
                        [list(x) for x in county.limits],
                    ),
                ],
            )
            write_workbook(staff_path, [SheetSpec("实有人员", demo.STAFF_HEADERS, demo.staff_rows(county))])
            for path, importer in ((units_path, import_units_file), (staff_path, import_staff_file)):
                report = importer(path, filename=path.name, region=region, actor=admin)
                if report.exit_code:
                    lines = [report.fatal or ""] + [str(e) for e in report.errors[:20]]
                    raise CommandError("演示数据导入失败：\n" + "\n".join(lines))
                self.stdout.write(f"已导入 {path.name}：" + "；".join(report.summary_lines()[:3]))
            self._history(region, admin)
        call_command("check_ledgers", "--quiet", stdout=self.stdout)  # the dashboard shows the result
        for key, rows in demo.partner_rows(county).items():
            name = {"org": "组织部门", "finance": "财政部门", "si": "人社部门"}[key]
            write_workbook(out / f"{name}.xlsx", [SheetSpec(name, demo.PARTNER_HEADERS[key], rows)])
        with transaction.atomic():
            year = demo_year.load_year(
                Region.objects.get(code=demo.REGION_CODE),
                admin=get_user_model().objects.get(username="admin"),
                staff=get_user_model().objects.get(username="staff"),
                security=get_user_model().objects.get(username="secadmin"),
                data_dir=out,
                password=DEMO_PASSWORD,
            )
        with transaction.atomic():  # the office's other lines of work: 登记, 监督检查, 统计年报, 重点工作
            region = Region.objects.get(code=demo.REGION_CODE)
            today = timezone.localdate()
            staff = get_user_model().objects.get(username="staff")
            made = {
                "事业单位登记": demo_registration.seed(region, today=today, actor=staff),
                "监督检查": demo_supervision.seed(region, today=today, actor=staff),
                "统计年报": demo_yearbook.seed(region, today=today, actor=staff),
                "重点工作台账": demo_keytasks.seed(region, today=today, actor=staff),
            }
        with transaction.atomic():  # the county under its city and province, with their offices' accounts
            upper = demo_hierarchy.seed_city(
                Region.objects.get(code=demo.REGION_CODE), password=DEMO_PASSWORD
            )
        self.stdout.write(f"上级区划：{upper['province'].name} → {upper['city'].name} → {demo.REGION_NAME}。")
        r, v = made["事业单位登记"], made["监督检查"]
        self.stdout.write(
            f"事业单位登记 {r.get('registered', 0)} 个（事业单位 {r.get('institutions', 0)} 个），"
            f"举报 {v.get('reports', 0)} 件，{made['统计年报'].get('yearbook', '')}，"
            f"重点工作 {made['重点工作台账'].get('keytasks', 0)} 项。"
        )
        self.stdout.write(
            f"本年度核查“{year['campaign']}”：{year['units']} 个单位，已自查 {year['selfchecked']} 个，"
            f"已公示 {year.get('noticed', 0)} 个，比对发现问题 {year.get('findings', 0)} 条；"
            f"会议记录 {year['minutes']} 条，请示 {year['requests']} 件。"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"演示县载入完成：{Unit.objects.count()} 个机构，{Person.objects.filter(in_establishment=True).count()} 名在编人员，"
                f"用时 {time.monotonic() - started:.1f} 秒。比对文件在 {out}"
            )
        )
        print_accounts(self.stdout)

    def _accounts(self, region):
        from django.contrib.auth import get_user_model

        from accounts.services.users import STAFF_ROLES, set_role

        users = {}
        for username, role, full_name, dept in DEMO_ACCOUNTS:
            user = get_user_model().objects.create_user(
                username=username, password=DEMO_PASSWORD, is_staff=role in STAFF_ROLES
            )
            set_role(user, role)  # no superuser: the demo shows 三员分立 as a county runs it
            profile = Profile.objects.create(user=user, full_name=full_name, department=dept)
            if role != Role.LIAISON:  # a partner clerk works for the county too (their department's data)
                profile.regions.add(region)
            users[username] = user
        return users["staff"]

    def _history(self, region, actor):
        """A little everyday history after the initial load: retirements, a transfer, a quota change."""
        day = dt.date(2023, 6, 30)
        retirees = Person.objects.filter(unit__region=region, in_establishment=True).order_by("birth_date")[
            :12
        ]
        for person in retirees:
            services.person_leave(
                person=person,
                left_on=day,
                leave_reason="退休",
                actor=actor,
                doc_number="漳人社发〔2023〕41号",
                reason="达到法定退休年龄",
            )
        doc = document_create(
            region=region,
            number="漳编委发〔2023〕5号",
            title="关于调整县应急管理局行政编制的批复",
            issuer=demo.COMMITTEE,
            issued_on=dt.date(2023, 3, 15),
            actor=actor,
        )
        unit = Unit.objects.get(region=region, name="漳县应急管理局", status="正常")
        services.quota_set(
            unit=unit,
            establishment_type="行政编制",
            approved=12,
            document=doc,
            actor=actor,
            reason="加强应急管理力量",
        )
        finance = Unit.objects.get(region=region, name="漳县财政局", status="正常")
        mover = Person.objects.filter(
            unit=finance, in_establishment=True, leader_post="无", establishment_type="行政编制"
        ).first()
        if mover is not None:
            request = services.request_create(
                unit=unit,
                establishment_type="行政编制",
                count=2,
                reason="应急值守力量不足",
                entry_method="调入",
                planned_on=timezone.localdate(),
                actor=actor,
            )
            from django.contrib.auth import get_user_model

            approver = get_user_model().objects.get(username="admin")  # four eyes: not the filer
            slips = services.request_approve(request=request, actor=approver, note="同意")
            services.person_transfer(
                person=mover,
                to_unit=unit,
                establishment_type="行政编制",
                occurred_on=timezone.localdate(),
                actor=actor,
                slip=slips[0],
                reason="工作需要",
            )
        from django.contrib.auth import get_user_model

        liaison = get_user_model().objects.get(username="liaison")
        from guardian.shortcuts import assign_perm

        assign_perm("units.liaise_unit", liaison, finance)
        if services.vacancy(finance, "行政编制") > 0:
            services.request_create(
                unit=finance,
                establishment_type="行政编制",
                count=1,
                reason="补充预算编审人员",
                entry_method="考录",
                planned_on=timezone.localdate(),
                actor=liaison,
            )
        assert find_document(region, "漳编委发〔2023〕5号") is not None


def _real_database() -> str:
    """Why this database must never receive the demo: a region other than the demo county's, or an
    account with a demo account's name (a real office set it up). Empty when the demo may load."""
    from django.contrib.auth import get_user_model

    from bianzhi.models import Region

    demo_codes = {
        demo.REGION_CODE,
        demo_hierarchy.PROVINCE[0],
        demo_hierarchy.CITY[0],
        demo_hierarchy.SIBLING[0],
    }
    other = Region.objects.exclude(code__in=demo_codes).order_by("code").first()
    if other is not None:
        return f"数据库中已有行政区划 {other}，这是正式使用的数据库，拒绝载入演示数据（演示县只能载入空数据库）。"
    names = [a[0] for a in DEMO_ACCOUNTS] + [a[0] for a in demo_hierarchy.CITY_ACCOUNTS]
    taken = get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    if taken:
        return f"数据库中已有账号 {'、'.join(sorted(taken))}，拒绝载入演示数据（演示县只能载入空数据库）。"
    return ""


def print_accounts(stdout) -> None:
    stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, role, full_name, dept in DEMO_ACCOUNTS:
        stdout.write(f"  {username:<8} {role.value}（{full_name}，{dept}）")
    for unit, full_name, username, _phone in demo_year.LIAISONS:
        stdout.write(f"  {username:<8} {Role.LIAISON.value}（{full_name}，{unit}）")
    for username, role, full_name, dept, _code in demo_hierarchy.CITY_ACCOUNTS:
        stdout.write(f"  {username:<11} {role.value}（{full_name}，{dept}）")
