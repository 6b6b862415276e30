"""Existing Documents get their year (from the 〔year〕 of the 文号, else the issue date); a default
classification catalogue and the seven dedicated files (seed 002 §十四, §二十一) are created."""

import re

from django.db import migrations

CATALOGUE = [
    ("01", "机构设置", [("0101", "机构设立与调整"), ("0102", "三定规定"), ("0103", "机构改革")]),
    ("02", "人员编制", [("0201", "编制核定与调整"), ("0202", "编制使用（编制使用单）"), ("0203", "机构编制限额")]),
    ("03", "领导职数", [("0301", "领导职数核定"), ("0302", "内设机构领导职数")]),
    ("04", "实名制管理", [("0401", "实名制管理文件"), ("0402", "统计报表")]),
    ("05", "监督检查", [("0501", "法规文件"), ("0502", "自查与检查"), ("0503", "来电来访办理")]),
    ("06", "核查", [("0601", "核查工作文件"), ("0602", "核查情况报告")]),
    ("07", "综合", [("0701", "会议资料"), ("0702", "事业单位登记管理"), ("0703", "中文域名注册管理"), ("0704", "其他")]),
]

DEDICATED = [
    ("事业单位登记", "事业单位登记管理档案", "事业单位登记管理相关政策法规文件、登记管理档案资料等。"),
    ("机构改革", "机构改革档案", "省市县机构改革文件和市县乡机构改革方案、部门“三定”规定等。"),
    ("实名制", "机构编制实名制管理档案", "机构编制实名制管理工作文件资料、各类统计报表等。"),
    ("核查", "机构编制核查工作档案", "机构编制核查工作文件资料、核查情况报告及比对材料等。"),
    ("监督检查", "机构编制监督检查工作档案", "监督检查法规文件、每年的自查和检查资料、来电来访受理及办理资料、考评奖励资料等。"),
    ("中文域名", "机关事业单位中文域名注册管理工作档案", "中文域名注册管理文件、各单位申报材料等。"),
    ("消化超编", "消化党政机关超编人员工作档案", "消化超编人员工作文件、消化工作方案及工作计划、统计报表等。"),
]

YEAR = re.compile(r"〔(\d{4})〕")


def forwards(apps, schema_editor):
    Document = apps.get_model("archives", "Document")
    for doc in Document.objects.filter(year__isnull=True).only("id", "number", "issued_on").iterator():
        found = YEAR.search(doc.number or "")
        year = int(found.group(1)) if found else (doc.issued_on.year if doc.issued_on else None)
        if year:
            Document.objects.filter(pk=doc.pk).update(year=year)
    CatalogueClass = apps.get_model("archives", "CatalogueClass")
    for i, (code, name, children) in enumerate(CATALOGUE, start=1):
        top, _ = CatalogueClass.objects.get_or_create(code=code, defaults={"name": name, "sort": i * 10})
        for j, (child_code, child_name) in enumerate(children, start=1):
            CatalogueClass.objects.get_or_create(
                code=child_code, defaults={"name": child_name, "parent": top, "sort": j * 10}
            )
    DedicatedFile = apps.get_model("archives", "DedicatedFile")
    for i, (kind, name, description) in enumerate(DEDICATED, start=1):
        DedicatedFile.objects.get_or_create(
            name=name, defaults={"kind": kind, "description": description, "sort": i * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("archives", "0002_filing")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
