from django.urls import path

from verification.campaign.views import bulk, campaign_actions, campaigns, cityreview, joint, selfcheck, units

urlpatterns: list = [
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/report.pdf", campaigns.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/annex.xlsx", campaigns.campaign_workbook, name="campaign_workbook"),
    path("campaigns/<int:pk>/units/", bulk.campaign_units, name="campaign_units"),
    path("campaigns/<int:pk>/compare/", campaign_actions.campaign_compare, name="campaign_compare"),
    path("campaigns/<int:pk>/onsite/", campaign_actions.campaign_onsite, name="campaign_onsite"),
    path("campaigns/<int:pk>/draw/", campaign_actions.campaign_draw, name="campaign_draw"),
    path("campaigns/<int:pk>/window/", campaign_actions.campaign_window, name="campaign_window"),
    path(
        "campaigns/<int:pk>/report/file/", campaign_actions.campaign_report_file, name="campaign_report_file"
    ),
    path("campaigns/<int:pk>/close/", campaign_actions.campaign_close, name="campaign_close"),
    # the upper office's pre-review of the county's report (市级预审核, issue 17)
    path("campaigns/<int:pk>/review/", cityreview.review_page, name="campaign_review"),
    path("campaigns/<int:pk>/review/submit/", cityreview.review_submit, name="campaign_review_submit"),
    path("campaigns/<int:pk>/review/decide/", cityreview.review_decide, name="campaign_review_decide"),
    path("campaign-units/<int:pk>/", units.cu_detail, name="cu_detail"),
    path("campaign-units/<int:pk>/attachments/add/", units.cu_attach, name="cu_attach"),
    path("campaign-attachments/<int:pk>/", units.cu_attachment, name="cu_attachment"),
    path("campaign-units/<int:pk>/proposals/add/", units.cu_propose, name="cu_propose"),
    path("campaign-units/<int:pk>/proposals/decide/", units.cu_decide, name="cu_decide"),
    path("campaign-units/<int:pk>/notice/post/", units.cu_notice_post, name="cu_notice_post"),
    path("campaign-units/<int:pk>/notice/remove/", units.cu_notice_remove, name="cu_notice_remove"),
    path("campaign-units/<int:pk>/feedback/add/", units.cu_feedback_add, name="cu_feedback_add"),
    path("campaign-units/<int:pk>/feedback/reply/", units.cu_feedback_reply, name="cu_feedback_reply"),
    path("campaign-units/<int:pk>/followup/", units.cu_followup, name="cu_followup"),
    path("campaign-units/<int:pk>/visit/", units.cu_visit, name="cu_visit"),
    path("campaign-units/<int:pk>/prereview/", units.cu_prereview, name="cu_prereview"),
    path("campaign-units/<int:pk>/report/confirm/", units.cu_report_confirm, name="cu_report_confirm"),
    path("campaign-units/<int:pk>/advance/", units.cu_advance, name="cu_advance"),
    path("campaign-units/<int:pk>/return/", units.cu_return, name="cu_return"),
    path("campaign-units/<int:pk>/notice.pdf", units.cu_notice, name="cu_notice"),
    path("campaign-units/<int:pk>/report.pdf", units.cu_report, name="cu_report"),
    path("campaign-units/<int:pk>/selfcheck/", selfcheck.cu_selfcheck, name="cu_selfcheck"),
    path("campaign-units/<int:pk>/selfcheck.pdf", selfcheck.cu_selfcheck_pdf, name="cu_selfcheck_pdf"),
    # the joint check calendar (联合检查, issue 15 point 4): a region's year, one check by its month
    path("joint-checks/", joint.joint_calendar, name="joint_calendar"),
    path("joint-checks/<int:region>/<int:year>/<int:month>/plan/", joint.joint_plan, name="joint_plan"),
    path("joint-checks/<int:region>/<int:year>/<int:month>/start/", joint.joint_start, name="joint_start"),
    path(
        "joint-checks/<int:region>/<int:year>/<int:month>/results/", joint.joint_results, name="joint_results"
    ),
]
