from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LayersConfig(AppConfig):
    name = "hopnhat.apps.layers"
    label = "layers"
    verbose_name = _("Map layers")

    def ready(self) -> None:
        from hopnhat.apps.audit.access import register_history_checker
        from hopnhat.apps.layers.access import get_layer_for_user

        register_history_checker(
            "layers.layer",
            lambda user, object_id: (
                get_layer_for_user(user, int(object_id)) if object_id.isdigit() else None
            ),
        )
