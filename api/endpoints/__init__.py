"""One module per group of endpoints; each defines ``router`` (a ninja Router), mounted by api/api.py at
``/api/v1/<module name>/``."""
