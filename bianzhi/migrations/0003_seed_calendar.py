from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar as cc
    from chinese_calendar.constants import Holiday

    HOLIDAY_NAMES = {h.value: h.chinese for h in Holiday}

    Year = apps.get_model("bianzhi", "CalendarYear")
    Day = apps.get_model("bianzhi", "CalendarDay")
    years = {d.year for d in cc.constants.holidays} | {d.year for d in cc.constants.workdays}
    Year.objects.bulk_create([Year(year=y, source="chinesecalendar") for y in sorted(years)], ignore_conflicts=True)
    rows = [Day(date=d, kind="休息", name=HOLIDAY_NAMES.get(str(n), str(n))) for d, n in cc.constants.holidays.items()]
    rows += [Day(date=d, kind="上班", name=HOLIDAY_NAMES.get(str(n), str(n))) for d, n in cc.constants.workdays.items()]
    Day.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("bianzhi", "0002_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
