"""Job handlers of the verification app, imported at start-up by ``jobs.apps`` (every app's ``tasks``)."""

from verification.campaign import tasks as campaign_tasks  # noqa: F401  (the campaign's comparison job)
from verification.findings import tasks as findings_tasks  # noqa: F401  (the comparison job)
