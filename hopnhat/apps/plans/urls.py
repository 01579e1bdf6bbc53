from django.urls import path

from hopnhat.apps.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/compare/<int:other_id>/", views.plan_compare, name="compare"),
]
