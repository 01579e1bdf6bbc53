from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "hopnhat.apps.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Registers the job kinds of this app.
        from hopnhat.apps.audit import tasks  # noqa: F401
