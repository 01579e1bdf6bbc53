from django.urls import path

from hopnhat.apps.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("history/<str:object_type>/<str:object_id>/", views.object_history, name="history"),
]
