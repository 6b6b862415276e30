from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        """Import every app's ``tasks`` module (where handlers register with ``jobs.registry.job``) and
        the modules named in JOBS_IMPORT, in every process: web, worker and command."""
        import os
        import sys
        from importlib import import_module

        from django.conf import settings
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        for module in getattr(settings, "JOBS_IMPORT", ()):
            import_module(module)
        # `manage.py runserver` (its reloaded child): the in-process queue of SQLite runs there too
        if sys.argv[1:2] == ["runserver"] and os.environ.get("RUN_MAIN") == "true":
            from jobs import queue

            if queue.backend() == queue.THREAD and not queue.eager():
                from jobs import fallback

                fallback.start()
