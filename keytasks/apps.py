from django.apps import AppConfig


class KeytasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "keytasks"
    verbose_name = "重点工作台账"

    def ready(self) -> None:
        from bianzhi import panels
        from bianzhi.uploads import register_upload
        from keytasks import selectors

        panels.register("keytasks/_dashboard.html", selectors.dashboard_panel, order=40)
        register_upload("keytasks:progress_add", "attachment", ("edit_registry",))
