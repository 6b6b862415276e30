"""Every write of 监督检查, one module per workflow: ``reports`` (举报受理 and the settings),
``selfinspection`` (the yearly self-inspection), ``inspections`` (inspections, findings, 整改通知书,
整改, 问责) and ``yearly`` (年度归档)."""

from supervision.services.inspections import (
    accountability_add,
    evidence_add,
    finding_add,
    finding_decide,
    inspection_create,
    notice_close,
    notice_issue,
    notice_reopen,
    propose_registry_findings,
)
from supervision.services.reports import (
    report_close,
    report_extend,
    report_investigate,
    report_receive,
    report_refuse,
    setting_save,
)
from supervision.services.selfinspection import (
    questionnaire_attach,
    questionnaire_review,
    questionnaire_save,
    self_inspection_open,
)
from supervision.services.yearly import year_archive

__all__ = [
    "accountability_add",
    "evidence_add",
    "finding_add",
    "finding_decide",
    "inspection_create",
    "notice_close",
    "notice_issue",
    "notice_reopen",
    "propose_registry_findings",
    "questionnaire_attach",
    "questionnaire_review",
    "questionnaire_save",
    "report_close",
    "report_extend",
    "report_investigate",
    "report_receive",
    "report_refuse",
    "self_inspection_open",
    "setting_save",
    "year_archive",
]
