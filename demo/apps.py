from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county (漳县): its generator, its year of work and the ``seed_demo`` command.

    The top of the import graph: it drives every other app through their services, and nothing
    imports it."""

    name = "demo"
    verbose_name = "演示县"
