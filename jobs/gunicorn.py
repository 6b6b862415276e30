"""gunicorn settings module (``gunicorn -c python:jobs.gunicorn``): on SQLite each web worker process
starts the in-process job threads (``jobs.fallback``); on PostgreSQL the workers are separate processes
(``manage.py procrastinate worker``) and this does nothing."""


def post_worker_init(worker):  # noqa: ARG001 — gunicorn's hook signature
    from jobs import queue

    if queue.backend() == queue.THREAD and not queue.eager():
        from jobs import fallback

        fallback.start()
