from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressConfig(AppConfig):
    name = "hopnhat.apps.address"
    label = "address"
    verbose_name = _("Address conversion")

    def ready(self) -> None:
        from hopnhat.apps.address import tasks  # noqa: F401  (registers the job kinds)
