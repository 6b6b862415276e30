from django.apps import AppConfig


class BianzhiConfig(AppConfig):
    name = "bianzhi"
    verbose_name = "系统"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from bianzhi import checks  # noqa: F401  (registers system checks)
