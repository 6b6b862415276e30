"""The admin leaves the task queue's own table out: procrastinate registers an English admin of its
``procrastinate_jobs`` for developers; the office follows its work on the 后台任务 pages (jobs.views),
and an operator reads the queue with ``manage.py procrastinate`` (README: 后台任务)."""

from django.apps import apps
from django.contrib import admin

if apps.is_installed("procrastinate.contrib.django"):
    for model in apps.get_app_config("procrastinate").get_models():
        if admin.site.is_registered(model):
            admin.site.unregister(model)
