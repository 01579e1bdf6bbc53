from django.urls import path

from hopnhat.apps.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/compare/<int:other_id>/", views.plan_compare, name="compare"),
    path("<int:plan_id>/documents/<str:document>", views.plan_document, name="document"),
    path("<int:plan_id>/jobs/<str:kind>/", views.plan_start_job, name="start_job"),
    path("<int:plan_id>/editor/", views.plan_editor, name="editor"),
    path("<int:plan_id>/copy/", views.plan_copy, name="copy"),
    path("<int:plan_id>/status/", views.plan_status, name="status"),
    path("<int:plan_id>/signoffs/", views.plan_signoff, name="signoff"),
    path("<int:plan_id>/reviewers/", views.plan_reviewer, name="reviewer"),
    path("<int:plan_id>/comments/", views.plan_comment, name="comment"),
    path(
        "<int:plan_id>/comments/<int:comment_id>/resolve/",
        views.plan_comment_resolve,
        name="comment_resolve",
    ),
    path("<int:plan_id>/enact/", views.plan_enact, name="enact"),
]
