"""The demo county loads through the real import path and gives a believable county."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bianzhi.roles import Role, user_roles
from units.models import EstablishmentRequest, Person, Unit, UseSlip
from units.selectors import over_quota_unit_ids, units_for


@pytest.mark.django_db(transaction=True)
def test_seed_demo(tmp_path, settings, capsys):
    settings.DATA_DIR = tmp_path
    from bianzhi import workdays

    # a transactional test may start from a flushed database: the calendar the migrations seed is gone
    workdays.seed_from_package(range(2025, 2027))
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Bianzhi@2021" in out and "liaison" in out
    assert Unit.objects.count() > 250 and Person.objects.filter(in_establishment=True).count() > 3000
    assert over_quota_unit_ids(Unit.objects.all())  # some units over quota, loaded as they are
    liaison = get_user_model().objects.get(username="liaison")
    assert user_roles(liaison) == {Role.LIAISON}
    assert {u.name for u in units_for(liaison) if not u.is_division} == {"漳县财政局"}
    assert (
        UseSlip.objects.filter(status="已使用").exists()
        and EstablishmentRequest.objects.filter(status="待审核").exists()
    )
    for name in ("组织部门", "财政部门", "人社部门", "机构", "实有人员"):
        assert (tmp_path / "demo" / f"{name}.xlsx").stat().st_size > 1000
    # a year in progress (issue 11 point 9): several liaisons, minutes, 请示, a campaign with findings
    from archives.models import MinuteEntry, Request
    from demo import year as demo_year
    from verification.campaign.models import Campaign, CampaignUnit, Stage

    for _unit, _name, username, _phone in demo_year.LIAISONS:
        assert user_roles(get_user_model().objects.get(username=username)) == {Role.LIAISON}
        assert username in out
    assert MinuteEntry.objects.values("kind").distinct().count() >= 2 and Request.objects.count() == 2
    campaign = Campaign.objects.get()
    assert campaign.comparison_run is not None and campaign.comparison_run.finding_count > 0
    stages = set(CampaignUnit.objects.filter(campaign=campaign).values_list("stage", flat=True))
    assert {Stage.SELF_CHECK, Stage.COMPARISON} <= stages  # some units still owe their self-check
    assert CampaignUnit.objects.filter(campaign=campaign, selfcheck_on_behalf=True).exists()
    assert CampaignUnit.objects.filter(
        campaign=campaign, selfcheck_on_behalf=False, stage=Stage.COMPARISON
    ).exists()
    windows = {w.stage: w for w in campaign.windows.all()}
    assert (
        windows[Stage.SELF_CHECK].ends_on < windows[Stage.COMPARISON].ends_on
    )  # the plan's windows, in order
    # the county under its city and province (issue 17): the city's office reads the county, not above
    from bianzhi.roles import region_ids

    county = Unit.objects.first().region
    city = get_user_model().objects.get(username="city")
    assert county.pk in region_ids(city) and county.parent.code == "621100"
    assert county.parent.pk not in region_ids(get_user_model().objects.get(username="staff"))
    assert "city" in out and "province" in out
    call_command("seed_demo")  # a second run leaves the county as it is
    assert "已有机构数据" in capsys.readouterr().out
