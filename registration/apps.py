from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registration"
    verbose_name = "事业单位登记管理"

    def ready(self) -> None:
        from bianzhi import panels
        from bianzhi.uploads import register_upload
        from registration import selectors, services
        from units.services.common import END_CHECKS

        if services.end_check not in END_CHECKS:
            END_CHECKS.append(services.end_check)
        panels.register("registration/_dashboard.html", selectors.dashboard_panel, order=20)
        register_upload("registration:application_attach", "attachment", ("liaise", "register_units"))
