from django.apps import AppConfig


class LedgersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ledgers"
    verbose_name = "台账"

    def ready(self) -> None:
        from ledgers import jobs, receivers  # noqa: F401  (jobs: the background downloads' handlers)

        receivers.connect()
