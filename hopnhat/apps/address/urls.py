from django.urls import path

from hopnhat.apps.address import views

app_name = "address"
urlpatterns = [
    path("", views.convert_page, name="convert"),
    path("bulk/", views.bulk_upload, name="bulk"),
    path("bulk/<str:token>/columns/", views.bulk_columns, name="bulk_columns"),
    path("bulk/jobs/<str:job_id>/", views.bulk_job, name="bulk_job"),
    path("sub-units/", views.sub_units, name="sub_units"),
    path("sub-units/<int:mapping_id>/delete/", views.sub_unit_delete, name="sub_unit_delete"),
]
