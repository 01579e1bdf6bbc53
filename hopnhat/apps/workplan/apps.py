from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "hopnhat.apps.workplan"
    label = "workplan"
    verbose_name = _("Directives and work plan")

    def ready(self) -> None:
        from hopnhat.apps.workplan import tasks  # noqa: F401  (registers the job kinds)
