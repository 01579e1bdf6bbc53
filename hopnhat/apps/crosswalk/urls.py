from django.urls import path

from hopnhat.apps.crosswalk import views

app_name = "crosswalk"
urlpatterns = [
    path("", views.crosswalk_form, name="form"),
    path("results/<slug:token>/", views.crosswalk_result, name="result"),
    path("results/<slug:token>.<slug:file_format>", views.crosswalk_download, name="download"),
]
