from typing import Any

from django.core.management.base import BaseCommand

from hopnhat.apps.territory.actions import load_territory


class Command(BaseCommand):
    help = (
        "Load or refresh the administrative-unit registry: the nationwide 2025 arrangement "
        "with the Hải Dương + Hải Phòng polygons and figures (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_territory(actor=None)
        self.stdout.write(", ".join(f"{name}: {value}" for name, value in counts.items()))
