"""One module per group of endpoints; each defines ``router`` (a ninja Router), mounted by api/api.py at
``/api/v1/<module name>/`` (tag: the module's ``TAG``, a Chinese name, unless the router names its own).

How to add an endpoint (see docs/api.md and ``me.py``):

- Authentication is global (``api.auth.TokenAuth``): never pass ``auth=None``; a write method (POST, PUT,
  PATCH, DELETE) already needs a token issued with write rights.
- Give every operation a Chinese ``summary`` (and ``description`` where useful) and typed ``response``
  schemas: tests/test_api_openapi.py walks the OpenAPI document and fails on an operation without them,
  or one that answers an anonymous call with anything but 401.
- Ask the token through ``api.scoping``: ``need(request, write=…, personal=…, capability=…)`` (403 in
  Chinese), ``token_region_ids(request)`` and ``token_source(request)`` to scope the read (through a
  selector: no ORM query in this package), ``personal(request)`` to decide masking, ``raise
  not_found()`` for anything outside the scope, and ``rows(request, n)`` for the audit row.
- Call the same services as the pages (they authorise ``request.user``, the token's account, and write
  their own audit rows); their PermissionDenied / ValidationError become 403 / 400 JSON in Chinese.
"""
