from django.urls import path

from keytasks import views

app_name = "keytasks"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("new/", views.task_create, name="task_create"),
    path("defaults/", views.task_defaults, name="task_defaults"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("<int:pk>/stages/add/", views.stage_add, name="stage_add"),
    path("stages/<int:pk>/done/", views.stage_done, name="stage_done"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("<int:pk>/pdf/", views.task_pdf, name="task_pdf"),
]
