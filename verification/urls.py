"""The verification app's pages: comparisons and findings, then the 核查 campaign (one namespace)."""

from verification.campaign import urls as campaign
from verification.findings import urls as findings

app_name = "verification"
urlpatterns: list = findings.urlpatterns + campaign.urlpatterns
