from django.apps import AppConfig


class VerificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "verification"
    verbose_name = "比对与核查"

    def ready(self) -> None:
        from verification import alerts, jobs  # noqa: F401  (jobs: the background reports and exports)

        alerts.register()  # campaign stages overdue and joint checks due (预警)
