from collections.abc import Iterator

import pytest
from django.utils import translation

from hopnhat.apps.territory.tests.conftest import territory  # noqa: F401  (module-scoped load)


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_var_dir(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
