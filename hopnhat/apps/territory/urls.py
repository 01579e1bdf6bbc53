from django.urls import path

from hopnhat.apps.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.map_page, name="map"),
    path("compare/", views.compare_page, name="compare"),
    path("units/<str:code>/", views.unit_card, name="unit"),
    path("legal/<int:document_id>/", views.legal_document, name="legal"),
]
