from django.apps import AppConfig


class YearbookConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yearbook"
    verbose_name = "机构编制统计年报"

    def ready(self) -> None:
        from yearbook import jobs  # noqa: F401  (the 统计年报's background generation and downloads)
