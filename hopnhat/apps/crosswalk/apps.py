from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrosswalkConfig(AppConfig):
    name = "hopnhat.apps.crosswalk"
    label = "crosswalk"
    verbose_name = _("Crosswalk")
