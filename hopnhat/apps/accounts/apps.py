from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hopnhat.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from hopnhat.apps.accounts.actions import get_token_for_user
        from hopnhat.apps.audit.access import register_history_checker

        register_history_checker(
            "accounts.apitoken",
            lambda user, object_id: (
                get_token_for_user(user, int(object_id)) if object_id.isdigit() else None
            ),
        )
