"""What the campaign commands share (FORMATS.md §6): one line and an exit code instead of a traceback."""

from __future__ import annotations

import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from bianzhi.models import Region
from units.management.commands._workbook import resolve_actor, resolve_region
from verification.campaign.models import Campaign


class Exit(Exception):
    def __init__(self, code: int, line: str) -> None:
        super().__init__(line)
        self.code, self.line = code, line


class CampaignCommand(BaseCommand):
    """Runs ``run(options)``; an ``Exit``, a refusal of a service (ValidationError, PermissionDenied) or
    a bad option (CommandError) ends the command with one line on stderr and exit 1."""

    def add_common(self, parser) -> None:
        parser.add_argument("--region", metavar="CODE", help="区划代码（数据库中只有一个县级区划时可省略）")
        parser.add_argument("--user", metavar="USERNAME", help="以该用户身份办理并记入审计（默认：系统）")

    def handle(self, *args, **options) -> None:
        try:
            self.run(options)
        except Exit as exc:
            self.stderr.write(exc.line)
            sys.exit(exc.code)
        except ValidationError as exc:
            self.stderr.write("；".join(exc.messages))
            sys.exit(1)
        except (PermissionDenied, CommandError) as exc:
            self.stderr.write(str(exc) or "没有权限。")
            sys.exit(1)

    def run(self, options) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def region(self, code: str | None) -> Region:
        return resolve_region((code or "").strip() or None, 1)

    def actor(self, username: str | None):
        return resolve_actor(username)

    def campaign(self, name: str, code: str | None) -> Campaign:
        name = (name or "").strip()
        qs = Campaign.objects.filter(name=name).select_related("region", "comparison_run")
        if code:
            qs = qs.filter(region=self.region(code))
        found = list(qs[:2])
        if not found:
            raise Exit(1, f"没有名为“{name}”的核查工作。")
        if len(found) > 1:
            raise Exit(1, f"多个区划都有名为“{name}”的核查工作，请用 --region 指定区划。")
        return found[0]
