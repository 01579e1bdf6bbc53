from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "hopnhat.apps.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from hopnhat.apps.audit.access import register_history_checker
        from hopnhat.apps.directory.access import get_organisation_for_user

        register_history_checker(
            "directory.organisation",
            lambda user, object_id: (
                get_organisation_for_user(user, int(object_id)) if object_id.isdigit() else None
            ),
        )
