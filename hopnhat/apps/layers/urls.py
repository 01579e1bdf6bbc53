from django.urls import path

from hopnhat.apps.layers import views

app_name = "layers"
urlpatterns = [
    path("", views.layer_list, name="list"),
    path("upload/", views.layer_upload, name="upload"),
    path("<int:layer_id>/", views.layer_detail, name="detail"),
    path("<int:layer_id>/map.json", views.layer_map_data, name="map-data"),
    path("<int:layer_id>/export/<str:format_name>/", views.layer_export, name="export"),
    path("<int:layer_id>/delete/", views.layer_delete, name="delete"),
]
