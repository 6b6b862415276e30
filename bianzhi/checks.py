"""System checks for broken configuration."""

from __future__ import annotations

import shutil
import subprocess

from django.core.checks import Warning, register


def cjk_font_available() -> bool:
    """True when fontconfig knows a font covering Chinese (needed for PDFs)."""
    if not shutil.which("fc-list"):
        return False
    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


@register()
def check_cjk_font(app_configs, **kwargs):
    if cjk_font_available():
        return []
    return [
        Warning(
            "没有找到中文字体，生成的 PDF 中文将显示为方框。",
            hint="以 root 运行：apt-get install -y fonts-noto-cjk",
            id="bianzhi.W001",
        )
    ]


@register(deploy=False)
def check_calendar(app_configs, **kwargs):
    """Working-day rules need the official holiday arrangement of this year and the next."""
    from django.db import DatabaseError

    from bianzhi import workdays

    try:
        missing = workdays.missing_years()
    except DatabaseError:  # before migrations
        return []
    return [
        Warning(
            f"{year}年的法定节假日安排尚未录入，涉及工作日的计算（公示期、报送时限）将被拒绝。",
            hint="在后台“节假日安排”中录入该年的放假与调休日期，并新增“节假日年度”记录。",
            id="bianzhi.W002",
        )
        for year in missing
    ]
