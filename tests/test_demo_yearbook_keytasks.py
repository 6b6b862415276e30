import datetime as dt

from demo import keytasks as demo_keytasks
from demo import yearbook as demo_yearbook
from keytasks.models import Stage
from tests.builders.registry import make_person


def test_demo_seeds(region, unit_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    make_person(unit_a, entered_on=dt.date(2019, 1, 1))
    out = demo_yearbook.seed(region, today=dt.date(2026, 12, 7))
    assert out == {"yearbook": "2025年度统计年报（第1版）"}
    out = demo_keytasks.seed(region, today=dt.date(2026, 12, 7))
    assert out["keytasks"] == 4 and out["keytask_entries"] == 7
    assert Stage.objects.filter(done_on__isnull=False).count() == 8
    overdue = Stage.objects.filter(done_on__isnull=True, planned_end__lt=dt.date(2026, 12, 7)).count()
    assert overdue > 0


def test_demo_keytasks_early_in_the_year(region, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = demo_keytasks.seed(region, today=dt.date(2026, 1, 3))
    assert out["keytasks"] == 4 and out["keytask_entries"] == 0
