"""Writes of the comparison (数据比对), one module per concern; every write takes a keyword-only
``actor``, runs in a transaction and leaves an audit row.

- ``uploads``: a partner department's file checked and kept (partner_upload);
- ``submissions``: a partner department's rows sent through the API, checked and kept like a file
  (partner_submit);
- ``runs``: a comparison run and its findings recorded under their stable keys (comparison_run,
  comparison_record);
- ``answers``: a finding moved through its statuses, the answer of a unit's liaison or of the partner
  department whose data it is on (说明 / 已整改), the office's decision;
- ``sharing``: a "register people missing from your data" finding shared with the partner department;
- ``aliases``: a partner's spelling of a unit added as another name of the register unit.

The xlsx downloads (findings list, a run's result workbook) are in ``verification.findings.exports``.
"""

from verification.findings.services.aliases import unmatched_alias_add
from verification.findings.services.answers import finding_answer, finding_decide, finding_transition
from verification.findings.services.runs import comparison_precheck, comparison_record, comparison_run
from verification.findings.services.sharing import finding_share
from verification.findings.services.submissions import SubmissionRejected, partner_submit
from verification.findings.services.uploads import partner_upload, upload_preview

__all__ = [
    "SubmissionRejected",
    "comparison_precheck",
    "comparison_record",
    "comparison_run",
    "finding_answer",
    "finding_decide",
    "finding_share",
    "finding_transition",
    "partner_submit",
    "partner_upload",
    "unmatched_alias_add",
    "upload_preview",
]
