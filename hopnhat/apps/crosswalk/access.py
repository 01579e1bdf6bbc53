"""The one way to fetch a kept crosswalk result on behalf of a user: only its owner's."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from hopnhat.apps.crosswalk.actions import CrosswalkResult, results_dir
from hopnhat.common.errors import NotFoundError

_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def get_result_for_user(user: Any, token: str) -> CrosswalkResult:
    # Results live under the owner's folder, so another user's token simply does not exist.
    path = results_dir(user.pk) / f"{token}.json"
    if not user.is_authenticated or not _TOKEN.match(token) or not path.exists():
        raise NotFoundError(_("This result no longer exists; run the crosswalk again."))
    return CrosswalkResult.from_json(path.read_text(encoding="utf-8"))
