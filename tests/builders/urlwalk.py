"""What a user reads on a page, and what a GET may not do — shared by the Chinese-page and admin walks.

- ``visible_text(html)``: the text a reader sees (no tags, attribute values, <script>/<style>, comments);
- ``english_words(text)``: words of three or more Latin letters outside ``ALLOW``, after the data
  the test itself typed (login names, file names) is taken out;
- ``row_counts()`` and ``writes_in(queries)``: a GET must leave every table as it found it.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from django.apps import apps
from django.db.models import Q

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_HASH = re.compile(r"\b[0-9a-f]{16,}\b")  # a SHA-256 or request id shown as data
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)

# Latin words a Chinese user of the system reads as ordinary words, each for a reason:
ALLOW = frozenset(
    {
        "PDF",  # the file format, written so on every Chinese form and in Office
        "Excel",  # the spreadsheet program the workbooks are opened in
        "xlsx",  # the workbook file extension a user must pick in the file dialog
        "XLSX",
        "CSV",  # the file format a partner department may send
        "csv",
        "pdf",  # a file name's extension (e.g. "批复.pdf")
        "SHA",  # "SHA-256" 校验值 of a stored file (the upload page and the admin show it)
        "JPG",  # the image formats a scan may have, named as the file dialog names them
        "PNG",
        "TIFF",
        "xls",  # the old workbook extension a partner department may still send
    }
)


def visible_text(page: str) -> str:
    """The text of an HTML page as a reader sees it (entities decoded, markup and attributes dropped)."""
    page = _HIDDEN.sub(" ", page)
    page = _TAG.sub(" ", page)
    return html.unescape(page)


def data_strings() -> list[str]:
    """What the tests' own data put on pages in Latin letters: login names, full names defaulting to
    them, campaign names and uploaded file names. Data, not interface: taken out of the text before it is read."""
    from django.contrib.auth import get_user_model

    from bianzhi.models import Profile
    from verification.models import Campaign

    strings = set(get_user_model().objects.values_list("username", flat=True))
    strings |= set(Profile.objects.values_list("full_name", flat=True))
    strings |= set(Campaign.objects.values_list("name", flat=True))  # "URL走查核查" of the URL walk
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "get_internal_type", lambda: "")() in ("FileField", "ImageField"):
                for name in model._default_manager.values_list(field.name, flat=True):
                    if name:
                        strings.add(name)
                        strings.add(name.rsplit("/", 1)[-1])
            if field.concrete and field.name in ("original_name", "attachment_name"):
                strings |= {s for s in model._default_manager.values_list(field.name, flat=True) if s}
    return sorted((s for s in strings if LATIN_WORD.search(s)), key=len, reverse=True)


def english_words(text: str, data: list[str] = (), allow: frozenset[str] = ALLOW) -> list[str]:
    """The Latin words of ``text`` a user would read as English (``data`` strings removed first)."""
    for s in data:
        text = text.replace(s, " ")
    text = _HASH.sub(" ", text)
    return sorted({w for w in LATIN_WORD.findall(text) if w not in allow})


# An audit row that records who *read* (downloaded, exported or printed) personal data is the security
# log of a read, not a change: a GET may write it. Any other audit row from a GET is a write.
READ_AUDIT = ("下载", "导出", "打印")


def row_counts() -> Counter:
    """Rows in every table of the project; AuditEntry counts only the rows that record a change."""
    from bianzhi.models import AuditEntry

    counts = Counter({m._meta.label: m._default_manager.count() for m in apps.get_models()})
    reads = Q()
    for verb in READ_AUDIT:
        reads |= Q(action__contains=verb)
    counts[AuditEntry._meta.label] = AuditEntry.objects.exclude(reads).count()
    return counts


def writes_in(queries, ignore: tuple[str, ...] = ("django_session", "bianzhi_auditentry")) -> list[str]:
    """The SQL statements among ``queries`` (CaptureQueriesContext) that write, outside ``ignore``
    (sessions; audit rows, which ``row_counts`` judges by their action)."""
    return [
        q["sql"] for q in queries if _WRITE.match(q["sql"]) and not any(table in q["sql"] for table in ignore)
    ]
