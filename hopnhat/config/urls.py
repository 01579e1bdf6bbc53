from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from hopnhat.apps.core.views import api_docs
from hopnhat.config.api import api

admin.site.site_header = "hopnhat"
admin.site.site_title = "hopnhat"

urlpatterns = [
    path("", include("hopnhat.apps.core.urls")),
    path("accounts/", include("hopnhat.apps.accounts.urls")),
    path("directory/", include("hopnhat.apps.directory.urls")),
    path("jobs/", include("hopnhat.apps.jobs.urls")),
    path("audit/", include("hopnhat.apps.audit.urls")),
    path("crosswalk/", include("hopnhat.apps.crosswalk.urls")),
    path("address/", include("hopnhat.apps.address.urls")),
    path("territory/", include("hopnhat.apps.territory.urls")),
    path("layers/", include("hopnhat.apps.layers.urls")),
    path("plans/", include("hopnhat.apps.plans.urls")),
    path("workplan/", include("hopnhat.apps.workplan.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/docs", api_docs, name="api-docs"),
    path("api/v1/", api.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
