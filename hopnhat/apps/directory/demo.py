"""The directory of the Hải Phòng + Hải Dương demo workspace.

Bodies are the real ones of the two localities in June 2025 (after the March 2025 restructuring
of specialised departments) plus those named in the conference conclusion notice
01-TB/TTTU-TTTU of 05/06/2025. Codes: GSO codes for localities (31 Hải Phòng, 30 Hải Dương);
dotted hopnhat codes below them. The electronic identifiers of QĐ 20/2020/QĐ-TTg are not in
our sources, so `official_code` stays empty rather than invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoOrg:
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)


def _locality(code: str, name: str, city: bool) -> list[DemoOrg]:
    unit = "thành phố" if city else "tỉnh"
    place = name
    party = "Thành ủy" if city else "Tỉnh ủy"
    orgs = [
        DemoOrg(code, f"{'Thành phố' if city else 'Tỉnh'} {place}", "locality", None, place),
        DemoOrg(
            f"{code}.UBND",
            f"Ủy ban nhân dân {unit} {place}",
            "peoples_committee",
            code,
            f"UBND {place}",
            (f"UBND {unit} {place}", f"UBND {place}"),
        ),
        DemoOrg(
            f"{code}.HDND",
            f"Hội đồng nhân dân {unit} {place}",
            "peoples_council",
            code,
            f"HĐND {place}",
        ),
        DemoOrg(f"{code}.TU", f"{party} {place}", "party_committee", code, f"{party} {place}"),
        DemoOrg(
            f"{code}.TU.TT",
            f"Thường trực {party} {place}",
            "party_committee",
            f"{code}.TU",
            "",
            (f"Thường trực {party}",),
        ),
        DemoOrg(
            f"{code}.TU.BTC",
            f"Ban Tổ chức {party} {place}",
            "party_board",
            f"{code}.TU",
            "",
            (f"Ban Tổ chức {party}",),
        ),
        DemoOrg(
            f"{code}.TU.BTGDV",
            f"Ban Tuyên giáo và Dân vận {party} {place}",
            "party_board",
            f"{code}.TU",
            "",
            (f"Ban Tuyên giáo và Dân vận {party}",),
        ),
        DemoOrg(f"{code}.TU.VP", f"Văn phòng {party} {place}", "party_board", f"{code}.TU", ""),
        DemoOrg(
            f"{code}.TU.UBKT", f"Ủy ban Kiểm tra {party} {place}", "party_board", f"{code}.TU", ""
        ),
        DemoOrg(
            f"{code}.BCSD",
            f"Ban cán sự đảng Ủy ban nhân dân {unit} {place}",
            "party_board",
            f"{code}.TU",
            "",
            (f"Ban cán sự đảng UBND {unit} {place}",),
        ),
    ]
    departments = [
        ("VP", f"Văn phòng Ủy ban nhân dân {unit}", ()),
        ("SNV", "Sở Nội vụ", ()),
        ("STC", "Sở Tài chính", ()),
        ("STP", "Sở Tư pháp", ()),
        ("SXD", "Sở Xây dựng", ()),
        ("SKHCN", "Sở Khoa học và Công nghệ", ("Sở KH&CN",)),
        ("SCT", "Sở Công Thương", ()),
        ("SNNMT", "Sở Nông nghiệp và Môi trường", ()),
        ("SGDDT", "Sở Giáo dục và Đào tạo", ("Sở GD&ĐT",)),
        ("SYT", "Sở Y tế", ()),
        ("TT", f"Thanh tra {unit}", ()),
    ]
    if city:
        departments += [
            ("SVHTT", "Sở Văn hóa và Thể thao", ()),
            ("SDL", "Sở Du lịch", ()),
            ("SNGV", "Sở Ngoại vụ", ()),
        ]
    else:
        departments += [("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ())]
    for suffix, dept_name, aliases in departments:
        full = f"{dept_name} {place}" if dept_name.endswith(unit) else f"{dept_name} {unit} {place}"
        orgs.append(
            DemoOrg(
                f"{code}.{suffix}", full, "department", f"{code}.UBND", dept_name, tuple(aliases)
            )
        )
    orgs += [
        DemoOrg(
            f"{code}.SNV.TTLT",
            f"Trung tâm Lưu trữ lịch sử {unit} {place}",
            "public_service_unit",
            f"{code}.SNV",
        ),
        DemoOrg(
            f"{code}.TTPVHCC",
            f"Trung tâm Phục vụ hành chính công {unit} {place}",
            "public_service_unit",
            f"{code}.UBND",
        ),
    ]
    return orgs


DEMO_ORGANISATIONS: list[DemoOrg] = [
    *_locality("31", "Hải Phòng", city=True),
    *_locality("30", "Hải Dương", city=False),
    # Named in the conclusion notice: the congress documents subcommittee of the new city.
    DemoOrg(
        "31.TU.TBVK",
        "Tiểu ban Văn kiện Đại hội đại biểu Đảng bộ thành phố nhiệm kỳ 2025 - 2030",
        "working_group",
        "31.TU",
        "Tiểu ban Văn kiện",
        ("Tiểu ban Văn kiện",),
    ),
    DemoOrg(
        "31.TCT",
        "Tổ công tác hợp nhất tỉnh Hải Dương và thành phố Hải Phòng",
        "working_group",
        "31.UBND",
        "Tổ công tác hợp nhất",
        ("các tổ công tác",),
    ),
    DemoOrg("BNV", "Bộ Nội vụ", "ministry", None, "Bộ Nội vụ", ("Ministry of Home Affairs",)),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    organisation: str


def _users() -> list[DemoUser]:
    placements = {
        "admin": ("31.SNV", "30.SNV"),
        "steering": ("31.TU.TT", "30.TU.TT"),
        "coordinator": ("31.SNV", "30.SNV"),
        "editor": ("31.STC", "30.STC"),
        "viewer": ("31.UBND", "30.UBND"),
    }
    labels = {
        "admin": "Quản trị danh mục",
        "steering": "Ban Chỉ đạo",
        "coordinator": "Điều phối",
        "editor": "Biên tập",
        "viewer": "Theo dõi",
    }
    users: list[DemoUser] = []
    for role, (hp_org, hd_org) in placements.items():
        users.append(DemoUser(f"demo-{role}", f"{labels[role]} (Hải Phòng)", role, hp_org))
        users.append(DemoUser(f"demo-{role}-hd", f"{labels[role]} (Hải Dương)", role, hd_org))
    # A second editor in another Hải Phòng department, to show that departments are walled off.
    users.append(DemoUser("demo-editor-xd", "Biên tập (Sở Xây dựng Hải Phòng)", "editor", "31.SXD"))
    users.append(DemoUser("demo-reviewer", "Thẩm định (Bộ Nội vụ)", "reviewer", "BNV"))
    return users


DEMO_USERS = _users()
