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
]
