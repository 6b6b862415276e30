from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "账号管理"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (connects the login handler)
