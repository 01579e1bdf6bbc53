from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "hopnhat.apps.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Registers the job kinds of this app.
        from hopnhat.apps.audit.access import register_history_checker
        from hopnhat.apps.jobs import tasks  # noqa: F401
        from hopnhat.apps.jobs.access import get_job_for_user

        register_history_checker("jobs.job", get_job_for_user)
