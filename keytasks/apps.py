from django.apps import AppConfig


class KeytasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "keytasks"
    verbose_name = "重点工作台账"
