from django.apps import AppConfig


class YearbookConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "yearbook"
    verbose_name = "机构编制统计年报"
