"""The province-scale bench (issue 17 point 3): a province of 100 counties, 1,000,000 people and 50,000
units in PostgreSQL, 50 concurrent users of mixed roles driven by locust for 5 minutes on the loopback,
the list pages' query counts at three sizes, and a province comparison (3 × 1,000,000 partner rows)
submitted from the page during the load, run by the task queue.

    .venv/bin/python bench/bench_province.py generate      # build bench_province and dump it (~15 min)
    .venv/bin/python bench/bench_province.py run           # restore, serve, measure, print (~11 min)
    .venv/bin/python bench/bench_province.py run --users 10 --duration 2m        # a shakedown
    .venv/bin/python bench/bench_province.py run --users 0 --compare-at 0 --no-queries   # the comparison alone
    .venv/bin/python bench/bench_province.py queries       # the query counts only (database as it is)

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, no password); touches only the database
``bench_province`` (dropped and created again) and ``/tmp/bench_province*``. To measure the committed
code while others edit the checkout, run it from a copy: ``git archive HEAD | tar -x -C /tmp/x`` and
``.venv/bin/python /tmp/x/bench/bench_province.py run`` (the runner serves the code next to it).

Parts:

- ``generate.py``: one province (620000), 10 cities (62CC00), 100 counties (62CC21–62CC30), each with 500
  units and 10,000 people loaded through the real 建账 path (``units.services.bulk.load_units`` and
  ``load_staff``: change records, 入编 movements, audit rows and the ledgers kept by their signal), so
  the data keep every rule: quotas of 21–24 per unit for 20 people (no 超编), 1 正职 and 2 副职 posts
  held by 1 and 2 people, one 军转干部 per organ within its earmark of 2, county limits above the sum of
  the quotas; 20 Documents and 4 用编申请 per county (filed by a liaison, half approved by the county
  office, so 编制使用单 exist). Accounts (one password hash for all; PBKDF2 costs 0.4 s each): province
  编办管理员/工作人员/领导, per city 工作人员 and 领导, per county 工作人员 and 管理员, 5 liaisons per
  county with two units each, 协作部门经办人 of 组织/财政/人社 at the province and in 10 counties. Then the
  province's three partner files (CSV, 1,000,000 rows each, ``bench.bench_compare.gen_partner_rows``'s
  noise over this register) and ``pg_dump -Fc`` to ``/tmp/bench_province.dump`` (65 MB). Loading takes
  about 11 minutes on the shared 2-core machine, the whole generation about 15.
- ``locustfile.py``: the simulated users, weighted 5 province : 10 city : 20 county office users :
  10 liaisons : 5 partner clerks, 1–3 s between pages. Each logs in once through the login form (CSRF;
  no failed login, so django-axes never locks) and keeps its session (15 minutes idle). Office users
  walk the home page (dashboard and 预警), unit and people lists (later pages, name and ID searches,
  filters), unit, person, Document and unit-ledger pages, 用编申请, 编制使用单, 表一, findings, the
  comparison page, 预警 and the exports of their scope (units.xlsx; for a county also 表一 and a unit
  ledger as xlsx); liaisons their units, people, requests and findings; partner clerks the comparison
  page and their findings. Requests are named by page (``/units/[id]/``) and every request is logged with
  its start time so any window can be measured.
- ``run.py``: restores the dump (~40 s) and migrates it to the code being measured; writes each
  account's sample ids; uploads the three partner files through ``partner_upload`` as the province's
  clerks (the page's service; ~12 s each); counts the queries of every list page for a county, a city
  and the province user with the Django test client; measures the baselines (``SELECT 1`` through
  psycopg, median of 1,000; a static file through gunicorn and whitenoise, and the login page, medians
  of 200); starts gunicorn with 4 sync workers by default, as ``scripts/run`` serves (``--threads N``
  gives gthread workers, keep-alive 30 s; they paid while an upper office's home page waited seconds
  on PostgreSQL, which its kept figures ended: on 2026-12-07, same code and dump, 4 × 4 gthread gave
  p95s of 1.5–2.0 s by role and 4 sync workers 1.0–1.2 s, with 9 % more requests served) and the queue's worker as
  ``scripts/run`` starts it (``manage.py procrastinate worker --queues bianzhi``); runs locust
  headless; 60 s into the load the province's 编办管理员 logs in, opens 数据比对 and submits 运行比对 for
  the province; the job's row is polled until 已完成 (queue wait, run time, stages) while /proc is
  sampled for the worker's RSS (process tree), VmHWM and CPU time; then one table: each page's
  requests, failures, median, p95, p99 (locust's CSV), all pages during the comparison and outside it,
  the comparison's time and peak memory, the baselines and the query counts (also written to
  /tmp/bench_province/result.txt).
"""
