from django.apps import AppConfig


class UnitsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "units"
    verbose_name = "机构编制"

    def ready(self) -> None:
        from units import alerts, jobs  # noqa: F401  (jobs: the background exports' handlers)
        from units.services import timeliness

        timeliness.connect()  # 逾期登记 flags follow a newly entered calendar year
        alerts.register()  # the registry's warnings (预警) and the home page's inbox panel
