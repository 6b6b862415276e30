from django.core.management.base import BaseCommand

from demo.management.commands.seed_demo import print_accounts


class Command(BaseCommand):
    help = "列出演示账号 (print the demo accounts created by seed_demo)."

    def handle(self, *args, **options):
        from django.contrib.auth import get_user_model

        if get_user_model().objects.filter(username="staff").exists():
            print_accounts(self.stdout)
