from django.urls import path

from hopnhat.apps.workplan import views

app_name = "workplan"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/progress/", views.task_progress, name="task-progress"),
    path("tasks/<int:task_id>/extension/", views.task_extension, name="task-extension"),
    path("tasks/<int:task_id>/comment/", views.task_comment, name="task-comment"),
    path("tasks/<int:task_id>/state/", views.task_state, name="task-state"),
    path("extensions/<int:extension_id>/decide/", views.extension_decide, name="extension-decide"),
    path("directives/", views.directive_list, name="directives"),
    path("directives/new/", views.intake_page, name="intake"),
    path("directives/<int:directive_id>/", views.directive_detail, name="directive"),
    path("directives/<int:directive_id>/review/", views.review_page, name="review"),
    path("timeline/", views.timeline_page, name="timeline"),
    path("changes/", views.changes_page, name="changes"),
    path("reports/", views.reports_page, name="reports"),
    path("obstacles/", views.obstacles_page, name="obstacles"),
    path("obstacles/<int:obstacle_id>/answer/", views.obstacle_answer, name="obstacle-answer"),
    path("notifications/", views.notifications_page, name="notifications"),
]
