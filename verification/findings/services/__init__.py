"""Writes of the comparison (数据比对), one module per concern; every write takes a keyword-only
``actor``, runs in a transaction and leaves an audit row.

- ``uploads``: a partner department's file checked and kept (partner_upload);
- ``runs``: a comparison run and its findings recorded under their stable keys (comparison_run,
  comparison_record);
- ``answers``: a finding moved through its statuses, a liaison's answer, the office's decision;
- ``sharing``: a "register people missing from your data" finding shared with the partner department;
- ``aliases``: a partner's spelling of a unit added as another name of the register unit.

The xlsx downloads (findings list, a run's result workbook) are in ``verification.findings.exports``.
"""

from verification.findings.services.aliases import unmatched_alias_add
from verification.findings.services.answers import finding_answer, finding_decide, finding_transition
from verification.findings.services.runs import comparison_record, comparison_run
from verification.findings.services.sharing import finding_share
from verification.findings.services.uploads import partner_upload, upload_preview

__all__ = [
    "comparison_record",
    "comparison_run",
    "finding_answer",
    "finding_decide",
    "finding_share",
    "finding_transition",
    "partner_upload",
    "unmatched_alias_add",
    "upload_preview",
]
