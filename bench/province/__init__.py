"""The province-scale bench (issue 17 point 3): a province of 100 counties, 1,000,000 people and 50,000
units in PostgreSQL, 50 concurrent users of mixed roles driven by locust for 5 minutes, the list pages'
query counts at two sizes, and a province comparison submitted from the page during the load.

    .venv/bin/python bench/bench_province.py generate          # build bench_province, dump it (~15 min)
    .venv/bin/python bench/bench_province.py run               # restore, serve, measure, print (~10 min)
    .venv/bin/python bench/bench_province.py run --users 10 --duration 2m --no-compare   # a shakedown

Parts:

- ``generate.py``: the database ``bench_province`` on 127.0.0.1:5432 (dropped and created again): one
  province (620000), 10 cities, 100 counties (GB/T 2260-shaped codes 62CC00 / 62CCDD), 500 units and
  10,000 people per county loaded through the real 建账 path (``units.services.bulk.load_units`` /
  ``load_staff``: change records, movements, audit rows and the ledgers kept), quotas and leader posts
  that every person fits in (no 超编, no 超职数), county limits above the quotas, a few 用编申请 per
  county filed by liaisons and approved by the county office, Documents, and the accounts of every
  level (province / city / county office users, liaisons, partner clerks of 组织/财政/人社). The three
  province partner files (3 × 1,000,000 rows, CSV, ``bench.bench_compare.gen_partner_rows`` over this
  register) are written to ``/tmp/bench_province/``. Then ``pg_dump -Fc`` to ``/tmp/bench_province.dump``
  so a run restores in about a minute.
- ``locustfile.py``: the simulated users; each logs in once through the login form (CSRF; django-axes
  is never tripped) and keeps its session, then walks dashboards, lists, searches, details and exports
  of its scope. Request names group URLs by page (``/units/[id]/``).
- ``run.py``: restores the dump, counts the queries of every list page in the mix at two sizes with the
  Django test client, measures the baselines (one ``SELECT 1`` round trip through psycopg, median of
  1,000; an empty page: a small static file served by whitenoise through gunicorn, median of 200
  sequential GETs), starts gunicorn (and the procrastinate worker when the jobs app has it), runs locust
  headless, submits the province comparison from the page as the province office user in the middle of
  the load and polls the job page until 已完成 while sampling the worker's (or, before the queue, the web
  workers') peak RSS from /proc, then prints one table from locust's CSV.

All traffic stays on 127.0.0.1. Temporary files live under ``/tmp/bench_province*``.
"""
