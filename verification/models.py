"""The app's models, each kept with its part: ``findings`` (partner uploads, comparison runs, findings)
and ``campaign`` (the 核查 campaign and its stages). Django reads them from here; code may import them from
here or from the part."""

from verification.campaign.models import (  # noqa: F401
    Campaign,
    CampaignAttachment,
    CampaignUnit,
    CampaignWindow,
    CorrectionProposal,
    CountyReview,
    FindingFollowUp,
    Notice,
    NoticeFeedback,
    SampleDraw,
    SelfCheckItem,
    SiteVisit,
    StageTransition,
    UnitReport,
    WorkingGroupMember,
)
from verification.findings.models import (  # noqa: F401
    ComparisonRun,
    Decision,
    Finding,
    FindingAnswer,
    FindingAttachment,
    FindingEvent,
    FindingStatus,
    PartnerUpload,
    UploadStatus,
)
