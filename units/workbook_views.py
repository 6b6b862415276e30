"""Workbook upload (import) and download (export) pages. Filled by the imports work."""

from django.http import HttpResponse


def placeholder(request, *args, **kwargs):
    return HttpResponse("尚未实现", status=501)
