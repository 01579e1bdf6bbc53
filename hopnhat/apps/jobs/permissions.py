from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from hopnhat.apps.directory.access import deny_forbidden, principal_for
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.jobs.registry import known_kinds
from hopnhat.common.errors import ValidationFailedError


def ensure_can_start(user: Any, *, kind: str, org: Organisation) -> None:
    """Platform kinds need a directory admin; the others an editor of the owning organisation."""
    kinds = known_kinds()
    if kind not in kinds:
        raise ValidationFailedError(
            gettext("Unknown job kind"),
            fields={"kind": [gettext("unknown: %(kind)s") % {"kind": kind}]},
        )
    principal = principal_for(user)
    allowed = (
        principal.manages_directory
        if kinds[kind].admin_only
        else principal.can_edit_owned_by(org.path)
    )
    if not allowed:
        raise deny_forbidden(
            user=user, action="jobs.job.start", object_type="jobs.job", object_id=kind
        )
