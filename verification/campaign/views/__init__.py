"""Pages of the verification campaign, by concern: ``campaigns`` (list, create, the campaign page with
its units table, the downloads), ``campaign_actions`` (the office's actions on a campaign), ``units``
(a unit's page, its actions and prints), ``selfcheck`` (the self-check as one form), ``bulk`` (the
units page with the bulk actions). Each action has its own URL and form (``verification.campaign.forms``)."""
