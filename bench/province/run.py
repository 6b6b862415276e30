"""The province bench's runner: restore, query counts, baselines, gunicorn (+ the queue's worker), locust,
the comparison submitted from the page during the load, and one printed table. See the package docstring.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.province.generate import (
    DATABASE_URL,
    DUMP,
    PASSWORD,
    PROVINCE,
    WORK_DIR,
    django_setup,
    environ,
    restore,
)

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent
SOURCES = ("org", "finance", "si")
TARGET_P95_MS = 500
TARGET_COMPARE_S = 120
TARGET_MEMORY_MIB = 2.5 * 1024


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# ---- processes and memory ----------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def process_tree(pid: int) -> list[int]:
    tree, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(tree.get(p, []))
    return out


def status_kib(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes (clock ticks → seconds)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / tick


def postgres_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as fh:
                    if fh.read().strip() == "postgres":
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


def machine_busy_seconds() -> float:
    """CPU seconds the machine spent on anything but idle and iowait since boot (all cores)."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(web_pid: int, worker_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of the web server's tree, the queue worker's tree, the PostgreSQL processes
    alive now (a backend that ended is not counted: gunicorn keeps its connections), this process's
    finished children (locust), and the whole machine."""
    import resource

    return {
        "web": cpu_seconds(process_tree(web_pid)),
        "worker": cpu_seconds(process_tree(worker_pid)) if worker_pid else 0.0,
        "postgres": cpu_seconds(postgres_pids()),
        "locust": resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime,
        "machine": machine_busy_seconds(),
    }


@dataclass
class MemorySampler:
    """Polls /proc every ``every`` s: the sum of VmRSS over a process and its children (peak kept) and
    the largest VmHWM (a process's own peak) seen among them."""

    pid: int
    every: float = 0.25
    peak_tree_kib: int = 0
    peak_hwm_kib: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.is_set():
            pids = process_tree(self.pid)
            self.peak_tree_kib = max(self.peak_tree_kib, sum(status_kib(p, "VmRSS") for p in pids))
            self.peak_hwm_kib = max([self.peak_hwm_kib, *(status_kib(p, "VmHWM") for p in pids)])
            self.samples += 1
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()


def start(cmd: list[str], logfile: Path, env: dict) -> subprocess.Popen:
    """A server process (gunicorn, the queue's worker) in a process group of its own (stopped as a
    group) but in this runner's session, as scripts/run starts both from one shell. Not a session of its
    own: with the kernel's autogroup scheduling (sched_autogroup_enabled, on by default) each session
    shares the CPU equally, and the worker's ``nice 10`` only counts within its session — a worker in a
    session of its own took as much CPU as all of gunicorn, and the pages' median went from 60 to 600 ms
    while the comparison ran."""
    fh = open(logfile, "w")  # noqa: SIM115 (the process keeps it)
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, process_group=0)


def stop(proc: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_http(url: str, timeout: float = 60) -> None:
    import requests

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"server did not answer at {url}")


# ---- data the simulated users need -------------------------------------------------------------------


def below(region_ids: set[int]) -> set[int]:
    """The regions and every region below them."""
    from bianzhi.models import Region

    parent = dict(Region.objects.values_list("pk", "parent_id"))
    out = set(region_ids)
    changed = True
    while changed:
        changed = False
        for pk, up in parent.items():
            if up in out and pk not in out:
                out.add(pk)
                changed = True
    return out


def write_accounts(path: Path) -> dict[str, list[dict]]:
    """Per kind (province, city, county, liaison, partner): each account and sample ids of its scope."""
    import random

    from django.contrib.auth import get_user_model

    from archives.models import Document
    from bianzhi.roles import Role, user_roles
    from units.models import Person, Unit
    from units.selectors import liaison_unit_ids

    rnd = random.Random(17)
    User = get_user_model()
    out: dict[str, list[dict]] = {k: [] for k in ("province", "city", "county", "liaison", "partner")}
    users = User.objects.filter(username__regex=r"^(prov_|city|cty|lia|prt)").order_by("username")
    samples: dict[frozenset, dict] = {}
    for user in users.prefetch_related("groups", "profile__regions"):
        roles = user_roles(user)
        own = {r.pk for r in user.profile.regions.all()}
        if Role.PARTNER in roles:
            out["partner"].append({"username": user.username})
            continue
        if Role.LIAISON in roles:
            unit_ids = sorted(liaison_unit_ids(user))
            people = list(Person.objects.filter(unit_id__in=unit_ids).values_list("pk", "id_number")[:40])
            out["liaison"].append(
                {"username": user.username, "units": unit_ids, "people": [p for p, _ in people]}
            )
            continue
        kind = {"prov": "province", "city": "city", "cty": "county"}[re.match(r"[a-z]+", user.username)[0]]
        key = frozenset(own)
        if key not in samples:
            scope = below(own)
            unit_ids = list(Unit.objects.filter(region_id__in=scope).values_list("pk", flat=True))
            chosen = rnd.sample(unit_ids, min(200, len(unit_ids)))
            people = list(
                Person.objects.filter(unit_id__in=chosen[:100]).values_list("pk", "id_number")[:400]
            )
            picked = rnd.sample(people, min(200, len(people)))
            docs = list(Document.objects.filter(region_id__in=scope).values_list("pk", flat=True)[:200])
            samples[key] = {
                "units": chosen,
                "people": [p for p, _ in picked],
                "id_numbers": [n for _, n in picked[:40]],
                "documents": docs[:40],
            }
        out[kind].append({"username": user.username, **samples[key]})
    path.write_text(json.dumps(out, ensure_ascii=False))
    return out


# ---- the partner files, uploaded through the service -----------------------------------------------


def ensure_uploads() -> dict[str, float]:
    """The province's three partner files as its valid uploads, each sent by its department's clerk
    through ``partner_upload`` (the page's service); seconds per file. Kept when already there."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bianzhi.models import Region
    from verification.findings.models import PartnerUpload, UploadStatus
    from verification.findings.services import partner_upload

    region = Region.objects.get(code=PROVINCE[0])
    clerks = {"org": "prt_org", "finance": "prt_fin", "si": "prt_si"}
    times = {}
    for source in SOURCES:
        if PartnerUpload.objects.filter(region=region, source=source, status=UploadStatus.VALID).exists():
            continue
        path = WORK_DIR / f"bench_{source}.csv"
        actor = get_user_model().objects.get(username=clerks[source])
        t = time.perf_counter()
        upload = partner_upload(
            region=region,
            source=source,
            upload=SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv"),
            actor=actor,
        )
        times[source] = time.perf_counter() - t
        log(
            f"uploaded {path.name}: {upload.rows_read:,} rows, {upload.error_count} errors, {times[source]:.1f} s"
        )
        if not upload.is_valid:
            raise SystemExit(f"{path.name} did not pass the checks: {upload.errors[:3]}")
    return times


def register_people(region) -> int | None:
    """How many people the comparison's register holds for ``region`` (None: cannot tell). A province's
    register must reach its counties' people, or a comparison would call all 3,000,000 rows strangers."""
    try:
        from verification.findings.register import _people_qs
    except ImportError:
        return None
    return _people_qs(region, None).count()


# ---- query counts at two sizes ------------------------------------------------------------------------

LIST_PAGES = [
    ("首页", "/"),
    ("机构列表", "/units/"),
    ("机构列表 第20页", "/units/?page=20"),
    ("机构搜索", "/units/?q=第012号"),
    ("人员列表", "/people/"),
    ("人员搜索 姓名", "/people/?q=王伟"),
    ("用编申请", "/requests/"),
    ("编制使用单", "/slips/"),
    ("文件", "/documents/"),
    ("文件检索", "/documents/search/?q=第003号"),
    ("表一", "/ledgers/table/one/"),
    ("问题清单", "/verification/findings/"),
    ("数据比对", "/verification/"),
    ("预警", "/alerts/"),
]


def query_counts(users: dict[str, str]) -> list[tuple[str, str, dict[str, tuple[int, float, int]]]]:
    """Each list page as each user (a county: 500 units and 10,000 people; a city: 5,000 and 100,000; the
    province: 50,000 and 1,000,000): (queries, seconds, status) of the second GET (the first warms)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for label, username in users.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        clients[label] = client
    rows = []
    for title, url in LIST_PAGES:
        cells = {}
        for label, client in clients.items():
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                took = time.perf_counter() - t
            cells[label] = (len(ctx.captured_queries), took, response.status_code)
        rows.append((title, url, cells))
        log(
            f"queries {title}: "
            + ", ".join(f"{k} {q}q {s * 1000:.0f}ms {c}" for k, (q, s, c) in cells.items())
        )
    return rows


def query_counts_main() -> None:
    django_setup()
    rows = query_counts(QUERY_USERS)
    print_queries(rows)


QUERY_USERS = {"县(500单位)": "cty0121_staff", "市(5,000)": "city01_staff", "省(50,000)": "prov_staff1"}


def print_queries(rows) -> str:
    """The counts side by side. Constant means the same count for the city and the province (10× the
    units and people, the same kind of scope); a county's scope is one query less (no region below it
    to walk, ``bianzhi.roles._scope``)."""
    labels = list(rows[0][2]) if rows else []
    lines = [
        "\n列表页查询数（Django 测试客户端，第二次请求；单位/人员：县 500/10,000，市 5,000/100,000，省 50,000/1,000,000；"
        "“不变”比较市与省）",
        f"{'页面':<14}" + "".join(f"{label:>22}" for label in labels) + "   不变",
    ]
    for title, _url, cells in rows:
        counts = [cells[k][0] for k in labels]
        line = "".join(f"{cells[k][0]:>8}q {cells[k][1] * 1000:>8.0f}ms {cells[k][2]:>3}" for k in labels)
        lines.append(f"{title:<14}{line}   {'是' if len(set(counts[-2:])) == 1 else '否 ←'}")
    text = "\n".join(lines)
    print(text)
    return text


# ---- baselines ----------------------------------------------------------------------------------------


def python_loop(n: int = 10_000_000) -> float:
    """Seconds of a plain Python loop (median of 3): the machine's speed at this run. This VM's vCPUs
    vary about 2× from one hour to the next; runs compare only with this figure beside them."""
    times = []
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(n):
            total += i
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def select_one(n: int = 1000) -> float:
    """Median seconds of ``SELECT 1`` through psycopg on one connection."""
    import psycopg

    times = []
    with psycopg.connect(DATABASE_URL) as conn:
        for _ in range(n):
            t = time.perf_counter()
            conn.execute("SELECT 1").fetchone()
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def http_median(url: str, n: int = 200) -> float:
    import requests

    session = requests.Session()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = session.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


# ---- the comparison submitted from the page -----------------------------------------------------------


@dataclass
class Comparison:
    submitted_at: float = 0.0
    finished_at: float = 0.0
    outcome: str = ""
    job_url: str = ""
    detail: str = ""
    polls: int = 0
    queue_wait_s: float = float("nan")
    run_s: float = float("nan")
    attempts: int = 0
    page_says: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # stage → seconds after the submit, first seen
    cpu_s: float = float("nan")  # the worker's CPU time over the job
    worker_pid: int = 0

    @property
    def seconds(self) -> float:
        return self.finished_at - self.submitted_at if self.finished_at else float("nan")


def compare_from_page(
    base: str, region_id: int, result: Comparison, *, delay: float, timeout: float = 900
) -> None:
    """As the province's office administrator: log in, open 数据比对, submit 运行比对 for the province,
    then follow the job (its row, every 0.5 s) until 已完成 or 失败, and check the job page says so; a
    synchronous page (no queue yet) ends with the POST."""
    import requests

    time.sleep(delay)
    s = requests.Session()
    s.get(f"{base}/accounts/login/")
    r = s.post(
        f"{base}/accounts/login/",
        data={"username": "prov_admin", "password": PASSWORD, "csrfmiddlewaretoken": s.cookies["csrftoken"]},
        allow_redirects=False,
    )
    if r.status_code != 302:
        result.outcome = f"login failed: {r.status_code}"
        return
    s.get(f"{base}/verification/")
    log("comparison: submitted from the page (运行比对) as prov_admin")
    result.submitted_at = time.time()
    r = s.post(
        f"{base}/verification/runs/new/",
        data={"region": region_id, "cutoff": "", "csrfmiddlewaretoken": s.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=timeout,
    )
    location = r.headers.get("Location", "")
    if r.status_code != 302:
        result.finished_at, result.outcome = time.time(), f"POST answered {r.status_code}"
        return
    if "/jobs/" not in location:  # the comparison ran inside the request
        result.finished_at = time.time()
        page = s.get(base + location if location.startswith("/") else location)
        result.outcome = "在请求内完成" if "/runs/" in location else f"redirected to {location}"
        result.detail = _message(page.text)
        return
    result.job_url = base + location if location.startswith("/") else location
    job_id = int(re.search(r"/jobs/(\d+)/", location)[1])
    end = time.monotonic() + timeout
    import psycopg

    cpu_before = cpu_seconds(process_tree(result.worker_pid)) if result.worker_pid else 0.0
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        while time.monotonic() < end:
            row = conn.execute(
                "SELECT status, stage, done, total, error, message, created_at, started_at, finished_at,"
                " attempts FROM jobs_job WHERE id = %s",
                [job_id],
            ).fetchone()
            result.polls += 1
            if row and row[1] and row[1] not in result.stages:
                result.stages[row[1]] = round(time.time() - result.submitted_at, 1)
            if row and row[0] in ("已完成", "失败", "已取消"):
                result.finished_at = time.time()
                if result.worker_pid:
                    result.cpu_s = cpu_seconds(process_tree(result.worker_pid)) - cpu_before
                status, stage, done, total, error, message, created, started, finished, attempts = row
                result.outcome = status
                result.detail = (message or error or "")[:200]
                if started and finished:
                    result.queue_wait_s = (started - created).total_seconds()
                    result.run_s = (finished - started).total_seconds()
                result.attempts = attempts
                page = s.get(result.job_url)  # what the user sees
                result.page_says = status if status in page.text else f"页面未显示{status}"
                return
            time.sleep(0.5)
    result.outcome = "timed out"


def _message(html: str) -> str:
    found = re.findall(r"(比对完成[^<]{0,80}|共\s*[\d,]+\s*个问题[^<]{0,60}|失败[^<]{0,120})", html)
    return found[0].strip() if found else ""


# ---- locust's results --------------------------------------------------------------------------------


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_requests(path: Path) -> list[tuple[float, float, int, str]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            start, ms, ok, name = line.rstrip("\n").split("\t", 3)
            rows.append((float(start), float(ms), int(ok), name))
    return rows


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def by_role(rows) -> list[str]:
    """p50/p95/p99 per role (the name's last parenthesis), pages apart from downloads (.xlsx, 在后台生成)."""
    groups: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for _start, ms, ok, name in rows:
        if name.startswith("/accounts/login/"):
            continue
        role = name.rsplit("(", 1)[-1].rstrip(")") if name.endswith(")") else "?"
        kind = "下载" if ".xlsx" in name or "/jobs/" in name else "页面"
        groups.setdefault((role, kind), []).append((ms, ok))
    out = ["按角色（不含登录）："]
    for (role, kind), items in sorted(groups.items()):
        ms = [m for m, _ in items]
        fails = sum(1 for _, ok in items if not ok)
        out.append(
            f"  {role:<5} {kind}：{len(ms)} 个请求，失败 {fails}，中位 {percentile(ms, 50):.0f} ms，"
            f"p95 {percentile(ms, 95):.0f} ms，p99 {percentile(ms, 99):.0f} ms"
        )
    return out


def after_logins(rows) -> list[str]:
    """Per page p95 once every user has logged in (the ramp-up apart: at 5 users a second, each login a
    PBKDF2 hash of 1,000,000 rounds, the four sync workers are busy hashing and pages wait for a free
    one), and the p95 of each 30-second window of the run, which shows stalls the percentiles hide."""
    logins = [start + ms / 1000 for start, ms, _ok, name in rows if name.startswith("/accounts/login/")]
    pages = [r for r in rows if not r[3].startswith("/accounts/login/")]
    if not pages:
        return []
    t0 = min(r[0] for r in rows)
    settled = max(logins) if logins else t0
    per_page: dict[str, list[float]] = {}
    for start, ms, _ok, name in pages:
        if start >= settled:
            per_page.setdefault(name, []).append(ms)
    worst = sorted(((percentile(v, 95), name, len(v)) for name, v in per_page.items()), reverse=True)
    over = [f"{name} {p95:.0f} ms（{n} 个请求）" for p95, name, n in worst if p95 > TARGET_P95_MS]
    windows: dict[int, list[float]] = {}
    for start, ms, _ok, _name in pages:
        windows.setdefault(int((start - t0) // 30), []).append(ms)
    return [
        f"全部用户登录后（第 {settled - t0:.0f} 秒起）：最慢页面 {worst[0][1]} p95 {worst[0][0]:.0f} ms；"
        f"超过 {TARGET_P95_MS} ms 的页面：{'；'.join(over) if over else '无'}",
        "每 30 秒页面 p95（ms）："
        + "，".join(f"{k * 30}–{k * 30 + 30} s {percentile(v, 95):.0f}" for k, v in sorted(windows.items())),
    ]


# ---- the whole run ------------------------------------------------------------------------------------


def worker_command() -> list[str] | None:
    """The task queue's worker when the code has one (issue 17: procrastinate on PostgreSQL)."""
    from django.core.management import get_commands

    if "procrastinate" not in get_commands():
        return None
    cmd = [PYTHON, "manage.py", "procrastinate", "worker", "--delete-jobs", "successful"]
    if "nice -n" in (ROOT / "scripts" / "run").read_text():
        cmd = ["nice", "-n", "10", *cmd]  # as scripts/run starts it: below the pages
    try:  # as scripts/run starts it
        from jobs.tasks import QUEUE
    except ImportError:
        return cmd
    return [*cmd, "--queues", QUEUE]


def run(args) -> None:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    env = os.environ | environ()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd="/work/main", capture_output=True, text=True
    )
    log(f"bench_province run: code in {ROOT} (main at {commit.stdout.strip()}), {os.cpu_count()} CPUs")
    facts: dict[str, str] = {}
    if not args.no_restore:
        if not DUMP.is_file():
            raise SystemExit(f"{DUMP} missing: run `bench_province.py generate` first")
        facts["恢复数据库 (pg_restore)"] = f"{restore():.0f} s"
        log(f"restored {DUMP}: {facts['恢复数据库 (pg_restore)']}")
    t = time.perf_counter()
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    facts["migrate (当前代码)"] = f"{time.perf_counter() - t:.0f} s"
    django_setup()
    from django.db import connection

    from bianzhi.models import Region

    accounts = write_accounts(WORK_DIR / "accounts.json")
    log("accounts: " + ", ".join(f"{k} {len(v)}" for k, v in accounts.items()))
    province = Region.objects.get(code=PROVINCE[0])
    compare = not args.no_compare
    if compare:
        held = register_people(province)
        facts["比对登记册（省）"] = "?" if held is None else f"{held:,} 人"
        if held == 0:
            log(
                "the province's comparison register is empty (it reads only units of the province itself): no comparison"
            )
            compare = False
    if compare:
        for source, seconds in ensure_uploads().items():
            facts[f"上传 {source} (1,000,000 行, 服务内)"] = f"{seconds:.1f} s"
    queries = [] if args.no_queries else query_counts(QUERY_USERS)
    sql_s = select_one()
    loop_s = python_loop()
    connection.close()

    base = f"http://127.0.0.1:{args.port}"
    gunicorn = [str(VENV_BIN / "gunicorn"), "bianzhi.wsgi:application", "--bind", f"127.0.0.1:{args.port}"]
    gunicorn += ["--workers", str(args.workers), "--timeout", "300", "--log-level", "warning"]
    # gthread keeps connections alive 2 s by default: a client thinking 1-3 s between pages then reuses a
    # connection the server is closing and gets a reset (status 0). 30 s outlasts the think time.
    gunicorn += ["--keep-alive", "30"]
    if (ROOT / "jobs" / "gunicorn.py").is_file():
        gunicorn += ["-c", "python:jobs.gunicorn"]  # the queue's hooks (nothing on PostgreSQL)
    if args.threads > 1:
        gunicorn += ["--worker-class", "gthread", "--threads", str(args.threads)]
    facts["gunicorn"] = (
        f"{args.workers} workers × {args.threads} thread(s) ({'gthread' if args.threads > 1 else 'sync'})"
    )
    web = start(gunicorn, WORK_DIR / "gunicorn.log", env)
    worker = None
    try:
        wait_http(f"{base}/accounts/login/")
        static_s = http_median(f"{base}/static/css/app.css")
        login_s = http_median(f"{base}/accounts/login/")
        cmd = worker_command()
        if cmd:
            worker = start(cmd, WORK_DIR / "worker.log", env)
            facts["worker"] = " ".join(cmd[1:])
        web_mem = MemorySampler(web.pid).start()
        worker_mem = MemorySampler(worker.pid).start() if worker else None
        comparison = Comparison(worker_pid=worker.pid if worker else 0)
        thread = None
        if compare:
            thread = threading.Thread(
                target=compare_from_page,
                args=(base, province.pk, comparison),
                kwargs={"delay": args.compare_at},
                daemon=True,
            )
            thread.start()
        prefix = WORK_DIR / "locust"
        locust = [
            str(VENV_BIN / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
        ]
        locust += ["-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.duration, "--host", base]
        locust += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
        load_before = os.getloadavg()
        cpu_before = cpu_snapshot(web.pid, worker.pid if worker else None)
        started = time.time()
        (WORK_DIR / "requests.tsv").unlink(missing_ok=True)
        if args.users:
            log(f"locust: {args.users} users, spawn {args.spawn_rate}/s, {args.duration}")
            subprocess.run(
                locust,
                cwd=ROOT,
                env=env | {"BENCH_PROVINCE_ACCOUNTS": str(WORK_DIR / "accounts.json")},
                stdout=open(WORK_DIR / "locust.log", "w"),  # noqa: SIM115
                stderr=subprocess.STDOUT,
                start_new_session=True,  # the users' browsers: outside the servers' session (see start)
            )
        else:
            log("no simulated users: the comparison alone")
        ended = time.time()
        load_after = os.getloadavg()
        cpu_after = cpu_snapshot(web.pid, worker.pid if worker else None)
        used = {k: cpu_after[k] - cpu_before[k] for k in cpu_after}
        facts["负载期间 CPU 秒"] = (
            f"gunicorn {used['web']:.0f}，worker {used['worker']:.0f}，PostgreSQL（结束时仍在的进程）"
            f"{used['postgres']:.0f}，locust {used['locust']:.0f}，其余（主要是期间结束的 PostgreSQL 连接："
            "Django 每 60 秒换一次连接）"
            f"{used['machine'] - used['web'] - used['worker'] - used['postgres'] - used['locust']:.0f}；"
            f"整机 {used['machine']:.0f} / {(ended - started) * (os.cpu_count() or 1):.0f} 可用"
        )
        if thread is not None:
            thread.join(timeout=900)
        web_mem.stop()
        if worker_mem:
            worker_mem.stop()
    finally:
        stop(worker)
        stop(web)
    report(
        args=args,
        facts=facts,
        prefix=prefix,
        requests_log=WORK_DIR / "requests.tsv",
        window=(started, ended),
        comparison=comparison if compare else None,
        queue=worker is not None,
        web_mem=web_mem,
        worker_mem=worker_mem,
        baselines={
            "SELECT 1 (psycopg，1,000 次中位数)": sql_s,
            "Python 空循环 10,000,000 次（本机此刻的速度，3 次中位数）": loop_s,
            "静态文件 /static/css/app.css (gunicorn+whitenoise，200 次中位数)": static_s,
            "登录页 /accounts/login/ (200 次中位数)": login_s,
        },
        queries=queries,
        load=(load_before, load_after),
    )


def report(
    *,
    args,
    facts,
    prefix,
    requests_log,
    window,
    comparison,
    queue,
    web_mem,
    worker_mem,
    baselines,
    queries,
    load,
) -> None:
    lines: list[str] = []
    out = lines.append
    stats = read_stats(prefix) if args.users else []
    out(
        f"\n== 省级压测 {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {args.users} 个并发用户 · {args.duration} · {os.cpu_count()} 核 =="
    )
    out(
        f"负载（1 分钟平均）开始 {load[0][0]:.2f}，结束 {load[1][0]:.2f}；"
        + "；".join(f"{k} {v}" for k, v in facts.items())
    )
    out(f"\n{'页面':<44}{'请求':>7}{'失败':>6}{'中位':>7}{'p95':>7}{'p99':>7}  (ms)")
    worst = 0.0
    for row in stats:
        name = row["Name"]
        p95 = float(row["95%"] or 0)
        if name != "Aggregated" and not name.startswith("/accounts/login/"):
            worst = max(worst, p95)
        flag = " ←" if p95 > TARGET_P95_MS and name != "Aggregated" else ""
        out(
            f"{name[:44]:<44}{row['Request Count']:>7}{row['Failure Count']:>6}"
            f"{float(row['Median Response Time'] or 0):>7.0f}{p95:>7.0f}{float(row['99%'] or 0):>7.0f}{flag}"
        )
    total = next((r for r in stats if r["Name"] == "Aggregated"), None)
    if total:
        seconds = window[1] - window[0]
        out(
            f"合计 {int(total['Request Count']):,} 个请求，{int(total['Request Count']) / seconds:.1f} 个/秒，失败 {total['Failure Count']}"
        )
    out(f"目标：页面 p95 ≤ {TARGET_P95_MS} ms 且无失败 —— 最慢页面 p95 {worst:.0f} ms")
    if args.users and requests_log.is_file():
        requests = read_requests(requests_log)
        for line in by_role(requests) + after_logins(requests):
            out(line)

    if comparison is not None:
        where = (
            "任务队列（procrastinate worker）"
            if queue and comparison.job_url
            else "请求内（尚无任务队列，作为基线）"
        )
        out(
            f"\n比对（省，3 × 1,000,000 行）：{where}，提交 → {comparison.outcome or '未完成'}：{comparison.seconds:.1f} s（目标 ≤ {TARGET_COMPARE_S} s）；{comparison.detail}"
        )
        mem = worker_mem if (queue and worker_mem) else web_mem
        who = "worker 进程树" if (queue and worker_mem) else "gunicorn 进程树"
        out(
            f"  峰值内存：{who} RSS 合计峰值 {mem.peak_tree_kib / 1024:.0f} MiB，单进程 VmHWM {mem.peak_hwm_kib / 1024:.0f} MiB（目标 ≤ {TARGET_MEMORY_MIB:.0f} MiB）"
        )
        if comparison.job_url:
            out(
                f"  其中排队 {comparison.queue_wait_s:.1f} s，执行 {comparison.run_s:.1f} s，执行次数 {comparison.attempts}；"
                f"任务页面显示：{comparison.page_says}；worker CPU 时间 {comparison.cpu_s:.0f} s"
            )
            out(
                "  各阶段首次出现（提交后秒数）："
                + "，".join(f"{k} {v}" for k, v in comparison.stages.items())
            )
        if comparison.finished_at and args.users and requests_log.is_file():
            rows = read_requests(requests_log)
            during = [
                r
                for r in rows
                if comparison.submitted_at <= r[0] <= comparison.finished_at
                and not r[3].startswith("/accounts/login/")
            ]
            outside = [
                r
                for r in rows
                if not (comparison.submitted_at <= r[0] <= comparison.finished_at)
                and not r[3].startswith("/accounts/login/")
            ]
            for label, part in (("比对进行中", during), ("其余时间", outside)):
                ms = [r[1] for r in part]
                fails = sum(1 for r in part if not r[2])
                out(
                    f"  页面（全部）{label}：{len(ms)} 个请求，失败 {fails}，中位 {percentile(ms, 50):.0f} ms，p95 {percentile(ms, 95):.0f} ms，p99 {percentile(ms, 99):.0f} ms"
                )
    out(
        f"gunicorn 进程树 RSS 合计峰值 {web_mem.peak_tree_kib / 1024:.0f} MiB，单进程 VmHWM 峰值 {web_mem.peak_hwm_kib / 1024:.0f} MiB"
    )
    out("\n基线（同一次运行）：")
    for k, v in baselines.items():
        out(f"  {k}: {v * 1000:.2f} ms")
    text = "\n".join(lines)
    print(text)
    if queries:
        text += print_queries(queries)
    (WORK_DIR / "result.txt").write_text(text + "\n")
