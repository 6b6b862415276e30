"""demo/registration.py: the demo county's registration records, through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from demo import registration as demo_registration
from registration import selectors
from registration.models import Application, ApplicationStatus, RecordStatus, RegistrationRecord
from tests.builders.registration import make_institution


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_seed(region, supervisor):
    for n in range(demo_registration.REGISTERED + 3):
        make_institution(region, f"漳县第{n + 1}事业中心")
    today = timezone.localdate()
    made = demo_registration.seed(region, today=today)
    assert made["registered"] == demo_registration.REGISTERED
    assert (
        RegistrationRecord.objects.filter(status=RecordStatus.REGISTERED).count()
        == demo_registration.REGISTERED
    )
    states = set(Application.objects.values_list("status", flat=True))
    assert states == set(ApplicationStatus.values)
    assert selectors.expiring(supervisor).count() == 1
    figures = selectors.year_figures(supervisor, today.year - 1)
    assert figures.registered == demo_registration.REGISTERED and figures.not_filed == 3
    assert 0 < figures.rate < 100
    assert selectors.unregistered_units(supervisor).count() == 3
