from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "hopnhat.apps.plans"
    label = "plans"
    verbose_name = _("Arrangement plans")

    def ready(self) -> None:
        # Registers the optimizer's job kinds (propose, complete, repair).
        from hopnhat.apps.plans import tasks  # noqa: F401
