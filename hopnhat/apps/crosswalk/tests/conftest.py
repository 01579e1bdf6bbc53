from collections.abc import Iterator

import pytest
from django.utils import translation

from hopnhat.apps.territory.tests.conftest import territory  # noqa: F401  (module-scoped load)


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    # Messages built outside a request follow LANGUAGE_CODE (vi); the tests read them in English.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_results_dir(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path
