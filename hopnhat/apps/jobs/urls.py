from django.urls import path

from hopnhat.apps.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("start/", views.job_start, name="start"),
    path("<str:job_id>/", views.job_detail, name="detail"),
    path("<str:job_id>/progress/", views.job_progress, name="progress"),
    path("<str:job_id>/cancel/", views.job_cancel, name="cancel"),
    path("<str:job_id>/result", views.job_result, name="result"),
]
