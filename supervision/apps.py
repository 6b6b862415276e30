from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = "监督检查"

    def ready(self) -> None:
        from bianzhi import panels
        from bianzhi.uploads import register_upload
        from supervision import selectors

        panels.register("supervision/_dashboard.html", selectors.dashboard_panel, order=40)
        register_upload("supervision:questionnaire_attach", "attachment", ("liaise", "supervise"))
        register_upload("supervision:evidence_add", "attachment", ("liaise", "supervise"))
