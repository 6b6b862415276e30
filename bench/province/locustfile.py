"""The simulated users of the province bench (locust 2.x): province, city and county office users,
liaisons and partner clerks, in the proportions of ``USER_MIX``.

    .venv/bin/locust -f bench/province/locustfile.py --headless -u 50 -r 5 -t 5m \
        --host http://127.0.0.1:8790 --csv /tmp/bench_province/locust

Needs ``BENCH_PROVINCE_ACCOUNTS`` (default /tmp/bench_province/accounts.json, written by ``run.py``):
per kind, the accounts and the ids in their scope (units, people, documents). Each simulated user takes
the next unused account of its kind, logs in once through the login form (CSRF) and keeps the session
(the idle timeout is 15 minutes; django-axes never sees a failure). Requests are named by page, ids
replaced by ``[id]``, so the CSV has one line per page.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading

from locust import HttpUser, between, events, task

ACCOUNTS_FILE = os.environ.get("BENCH_PROVINCE_ACCOUNTS", "/tmp/bench_province/accounts.json")
PASSWORD = os.environ.get("BENCH_PROVINCE_PASSWORD", "Bench@2026prov")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SURNAME_SEARCHES = ["王伟", "李静", "张敏", "刘洋", "陈杰", "杨娟", "赵磊", "黄艳"]

REQUEST_LOG = os.environ.get("BENCH_PROVINCE_REQUEST_LOG", "/tmp/bench_province/requests.tsv")

_pool: dict[str, list[dict]] = {}
_cursor: dict[str, itertools.count] = {}
_lock = threading.Lock()


def _load() -> None:
    global _pool
    if not _pool:
        with open(ACCOUNTS_FILE, encoding="utf-8") as fh:
            _pool = json.load(fh)
        for kind in _pool:
            _cursor[kind] = itertools.count()


def next_account(kind: str) -> dict:
    with _lock:
        _load()
        accounts = _pool[kind]
        return accounts[next(_cursor[kind]) % len(accounts)]


_log = None


@events.test_start.add_listener
def _open_log(environment, **kwargs) -> None:
    global _log
    _log = open(REQUEST_LOG, "w", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115 (closed at test_stop)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, start_time=None, **kwargs):
    """Every request with its start (epoch seconds), time (ms) and outcome, so the runner can take the
    percentiles of any window (e.g. while the comparison runs in the queue)."""
    if _log is not None:
        _log.write(f"{start_time or 0:.3f}\t{response_time:.1f}\t{0 if exception else 1}\t{name}\n")


@events.test_stop.add_listener
def _close_log(environment, **kwargs) -> None:
    if _log is not None:
        _log.flush()
        _log.close()


class BianzhiUser(HttpUser):
    """Logs in once, then walks its pages; a page that is not 200 (or a download that is not a
    workbook) is a failure."""

    abstract = True
    wait_time = between(1, 3)
    kind = ""
    level = ""  # added to each page's name: the same page reads 500, 5,000 or 50,000 units

    def on_start(self) -> None:
        self.account = next_account(self.kind)
        self.rnd = random.Random(self.account["username"])
        self.client.get("/accounts/login/", name="/accounts/login/ (GET)")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.account["username"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
                "next": "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="/accounts/login/ (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {self.account['username']}: {response.status_code}")
            else:
                response.success()

    # ---- helpers ----------------------------------------------------------------------------------

    def page(self, url: str, name: str | None = None, *, download: str | None = None) -> None:
        """GET a page (or a download whose Content-Type must contain ``download``). A redirect to the
        login page is a failure (the session was lost); a background job offered instead of the
        download (issue 17: big exports run in the queue) is a success, named as such."""
        name = name or url
        if self.level and not name.endswith(")"):
            name = f"{name} ({self.level})"
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
            code = response.status_code
            location = response.headers.get("Location", "")
            if code == 200:
                ctype = response.headers.get("Content-Type", "")
                if download and download not in ctype:
                    if "text/html" in ctype:
                        response.success()  # an offer page (run it in the background) instead of the file
                    else:
                        response.failure(f"{url}: {ctype}")
                else:
                    response.success()
            elif code in (301, 302) and "/accounts/login/" not in location:
                response.success()  # e.g. an export handed to the task queue → its job page
            else:
                response.failure(f"{url}: {code} {location}")

    def pick(self, key: str):
        values = self.account.get(key) or [0]
        return self.rnd.choice(values)


class OfficeUser(BianzhiUser):
    """An office user (编办): the whole registry of their region and every region below; pages named with
    the level (县/市/省)."""

    abstract = True

    @task(4)
    def dashboard(self) -> None:
        self.page("/", "/ 首页")

    @task(4)
    def unit_list(self) -> None:
        self.page("/units/", "/units/")

    @task(2)
    def unit_list_later_page(self) -> None:
        self.page(f"/units/?page={self.rnd.randint(2, 20)}", "/units/?page=[n]")

    @task(2)
    def unit_search(self) -> None:
        self.page(f"/units/?q=第{self.rnd.randint(1, 500):03d}号", "/units/?q=[名称]")

    @task(1)
    def unit_filter(self) -> None:
        self.page("/units/?nature=事业单位&funding=全额拨款", "/units/?nature&funding")

    @task(4)
    def unit_detail(self) -> None:
        self.page(f"/units/{self.pick('units')}/", "/units/[id]/")

    @task(3)
    def person_list(self) -> None:
        self.page("/people/", "/people/")

    @task(2)
    def person_search_name(self) -> None:
        self.page(f"/people/?q={self.rnd.choice(SURNAME_SEARCHES)}", "/people/?q=[姓名]")

    @task(1)
    def person_search_id(self) -> None:
        self.page(f"/people/?q={self.pick('id_numbers')}", "/people/?q=[身份号码]")

    @task(3)
    def person_detail(self) -> None:
        self.page(f"/people/{self.pick('people')}/", "/people/[id]/")

    @task(1)
    def requests(self) -> None:
        self.page("/requests/", "/requests/")

    @task(1)
    def slips(self) -> None:
        self.page("/slips/", "/slips/")

    @task(1)
    def documents(self) -> None:
        self.page("/documents/", "/documents/")

    @task(1)
    def document_search(self) -> None:
        self.page(f"/documents/search/?q=第{self.rnd.randint(1, 20):03d}号", "/documents/search/?q=")

    @task(1)
    def document_detail(self) -> None:
        self.page(f"/documents/{self.pick('documents')}/", "/documents/[id]/")

    @task(2)
    def ledger_table_one(self) -> None:
        self.page("/ledgers/table/one/", "/ledgers/table/one/")

    @task(1)
    def unit_ledger(self) -> None:
        self.page(f"/ledgers/units/{self.pick('units')}/", "/ledgers/units/[id]/")

    @task(1)
    def findings(self) -> None:
        self.page("/verification/findings/", "/verification/findings/")

    @task(1)
    def comparison_home(self) -> None:
        self.page("/verification/", "/verification/")

    @task(1)
    def alerts(self) -> None:
        self.page("/alerts/", "/alerts/")


class ProvinceOffice(OfficeUser):
    weight = 5
    kind = "province"
    level = "省"

    @task(1)
    def export_units(self) -> None:  # 50,000 units: a big export (the task queue's, issue 17)
        self.page("/export/units.xlsx", "/export/units.xlsx (省)", download="spreadsheetml")


class CityOffice(OfficeUser):
    weight = 10
    kind = "city"
    level = "市"
    submitted = False

    @task(1)
    def export_units(self) -> None:
        """5,000 units: over the inline size the GET offers 在后台生成 (issue 17); each city user accepts
        the offer once (a POST that queues the export and leads to its job page)."""
        self.page("/export/units.xlsx", "/export/units.xlsx (市)", download="spreadsheetml")
        if self.submitted:
            return
        self.submitted = True
        with self.client.post(
            "/export/units.xlsx",
            data={"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            headers={"Referer": self.host + "/export/units.xlsx"},
            name="/export/units.xlsx 在后台生成 (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and "/jobs/" in location:
                response.success()
                self.page(location, "/jobs/[id]/")
            elif response.status_code == 200:
                response.success()  # the file at once (below the inline size)
            else:
                response.failure(f"background export: {response.status_code} {location}")


class CountyOffice(OfficeUser):
    weight = 20
    kind = "county"
    level = "县"

    @task(1)
    def export_units(self) -> None:  # 500 units
        self.page("/export/units.xlsx", "/export/units.xlsx (县)", download="spreadsheetml")

    @task(1)
    def export_table_one(self) -> None:
        self.page(
            "/ledgers/table/one/export.xlsx", "/ledgers/table/one/export.xlsx (县)", download="spreadsheetml"
        )

    @task(1)
    def unit_ledger_export(self) -> None:
        self.page(
            f"/ledgers/units/{self.pick('units')}/export.xlsx",
            "/ledgers/units/[id]/export.xlsx",
            download="spreadsheetml",
        )


class Liaison(BianzhiUser):
    """单位联络员: their own units only."""

    weight = 10
    kind = "liaison"
    level = "联络员"

    @task(3)
    def dashboard(self) -> None:
        self.page("/", "/ 首页")

    @task(4)
    def unit_detail(self) -> None:
        self.page(f"/units/{self.pick('units')}/", "/units/[id]/")

    @task(2)
    def person_list(self) -> None:
        self.page("/people/", "/people/")

    @task(2)
    def person_detail(self) -> None:
        self.page(f"/people/{self.pick('people')}/", "/people/[id]/")

    @task(1)
    def requests(self) -> None:
        self.page("/requests/", "/requests/")

    @task(1)
    def findings(self) -> None:
        self.page("/verification/findings/", "/verification/findings/")


class PartnerClerk(BianzhiUser):
    """协作部门经办人: their department's uploads and the findings on them."""

    weight = 5
    kind = "partner"
    level = "协作部门"

    @task(3)
    def comparison_home(self) -> None:
        self.page("/verification/", "/verification/")

    @task(3)
    def findings(self) -> None:
        self.page("/verification/findings/", "/verification/findings/")

    @task(1)
    def findings_search(self) -> None:
        self.page(
            f"/verification/findings/?unit=第{self.rnd.randint(1, 500):03d}号",
            "/verification/findings/?unit=",
        )
