"""The demo work plan: the conclusion notice 01-TB/TTTU-TTTU with its progress as of 20/06/2025.

Some tasks are done, the political report draft (due 15/06) is overdue with an extension
request pending, others are under way. Idempotent: a second run finds the notice and stops.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hopnhat.apps.accounts.models import User
from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.workplan.actions import (
    add_progress,
    confirm_directive,
    file_directive,
    raise_obstacle,
    request_extension,
)
from hopnhat.apps.workplan.models import Directive, Task

FIXTURE = Path(settings.BASE_DIR) / "data" / "fixtures" / "thong-bao-ket-luan-hoi-nghi.txt"
NUMBER = "01-TB/TTTU-TTTU"
AS_OF = dt.date(2025, 6, 20)


def d(day: int, month: int) -> dt.date:
    return dt.date(2025, month, day)


# (clause, sequence): [(date, percent, result, reason for delay, proposal)]
PROGRESS: dict[tuple[str, int], list[tuple[dt.date, int, str, str, str]]] = {
    ("II.1", 0): [
        (d(12, 6), 20, "Đã dự thảo khung Đề án, lấy ý kiến các sở.", "", ""),
        (d(19, 6), 45, "Đã tổng hợp ý kiến của 14 sở, ngành.", "", ""),
    ],
    ("II.2", 0): [(d(16, 6), 30, "Đã rà soát danh sách cán bộ, công chức hai địa phương.", "", "")],
    ("II.3", 0): [
        (d(13, 6), 50, "Đã kiểm kê tài sản khối sở, ngành.", "", ""),
        (d(19, 6), 80, "Đã xây dựng phương án xe đưa đón, chờ phê duyệt.", "", ""),
    ],
    ("II.5", 0): [
        (d(10, 6), 60, "Đã kết nối mạng diện rộng hai địa phương.", "", ""),
        (d(18, 6), 100, "Hoàn thành hạ tầng, chạy thử hệ thống quản lý văn bản.", "", ""),
    ],
    ("II.6", 0): [
        (
            d(14, 6),
            70,
            "Đã có dự thảo lần 3, đang xin ý kiến các cơ quan.",
            "Chờ ý kiến góp ý của các cơ quan, đơn vị; tổng hợp chậm.",
            "Đề nghị gia hạn đến 25/6/2025.",
        )
    ],
    ("II.7", 0): [(d(9, 6), 20, "Đã đăng 36 tin, bài trên báo, đài hai địa phương.", "", "")],
    ("II.10", 0): [
        (d(11, 6), 50, "Đã số hóa 60% hồ sơ lưu trữ.", "", ""),
        (d(19, 6), 100, "Hoàn thành số hóa, bàn giao hồ sơ lưu trữ.", "", ""),
    ],
}


def load_demo_workplan() -> dict[str, int]:
    if Directive.objects.filter(number=NUMBER).exists():
        return {"directives": 0, "tasks": 0}
    coordinator = User.objects.get(username="demo-coordinator")
    owner = Organisation.objects.get(code="31.TU.TT")
    with transaction.atomic():
        directive = file_directive(
            actor=coordinator,
            owner_org=owner,
            text=FIXTURE.read_text(encoding="utf-8"),
            filename=FIXTURE.name,
        )
        confirm_directive(actor=coordinator, directive=directive, today=d(5, 6))
        tasks = {
            (t.clause.ref, t.sequence): t
            for t in directive.tasks.select_related("clause", "directive")
            if t.clause
        }
        for key, updates in PROGRESS.items():
            for on, percent, text, reason, proposal in updates:
                add_progress(
                    actor=coordinator,
                    task=Task.objects.select_related("directive").get(pk=tasks[key].pk),
                    on=on,
                    percent=percent,
                    text=text,
                    reason_for_delay=reason,
                    proposal=proposal,
                )
        late = Task.objects.select_related("directive").get(pk=tasks[("II.6", 0)].pk)
        request_extension(
            actor=coordinator,
            task=late,
            requested_deadline=d(25, 6),
            reason="Cần thêm thời gian tổng hợp ý kiến góp ý của các cơ quan, đơn vị.",
            today=d(16, 6),
        )
        raise_obstacle(
            actor=coordinator,
            raised_by_org=Organisation.objects.get(code="31.STC"),
            text="Chưa có hướng dẫn về định mức phương tiện đưa đón cán bộ, công chức sau hợp nhất.",
            addressed_to="Bộ Tài chính",
            raised_on=d(17, 6),
            task=tasks[("II.3", 0)],
        )
        raise_obstacle(
            actor=coordinator,
            raised_by_org=Organisation.objects.get(code="31.SNV"),
            text="Đề nghị hướng dẫn việc bố trí số lượng cấp phó của các cơ quan chuyên môn sau hợp nhất.",
            addressed_to="Bộ Nội vụ",
            addressed_to_org=Organisation.objects.filter(code="BNV").first(),
            raised_on=d(18, 6),
        )
    return {"directives": 1, "tasks": len(tasks)}
