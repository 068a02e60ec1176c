"""Reports made by hand for the store's tests: every field chosen, so expectations can be computed."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ioc_console.domain.lifecycle import TERMINAL, Action, Channel, Priority, Role, Status
from ioc_console.domain.report import Attachment, Contact, Event, Location, Report

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
T0 = datetime(2025, 3, 3, 8, 0, tzinfo=TZ)

#: Leaf units of the demo pack and the districts above them.
WARD_DO_VINH = "22738"  # Phường Đô Vinh, Phan Rang–Tháp Chàm (582)
COMMUNE_PHUONG_HAI = "22852"  # Xã Phương Hải, Ninh Hải (586)
CITY = "582"
NINH_HAI = "586"

CATEGORIES = ("construction", "environment", "urban-infrastructure", "traffic-safety")
AGENCIES = ("so-xd", "so-tnmt", "so-gtvt", None)
UNITS = (WARD_DO_VINH, COMMUNE_PHUONG_HAI, CITY, None)


def make_report(i: int, **changes: object) -> Report:
    """The i-th report of a varied set; ``changes`` overrides fields (``location``, ``status``...)."""
    statuses = list(Status)
    status = statuses[i % len(statuses)]
    received = T0 + timedelta(hours=7 * i, minutes=i % 13)
    due = None if i % 9 == 4 else received + timedelta(days=8, hours=(i * 5) % 17)
    report = Report(
        number=f"PA-2025-{1000 + (i * 37) % 997:06d}",
        channel=list(Channel)[i % len(Channel)],
        category=CATEGORIES[i % len(CATEGORIES)],
        description=f"Phản ánh số {i}: mô tả chi tiết của người dân.",
        location=Location(
            lat=11.5 + i / 1000,
            lon=108.9 + i / 1000,
            address=f"{i} đường số {i % 7}",
            unit_code=UNITS[i % len(UNITS)],
        ),
        received_at=received,
        status=status,
        contact=Contact(name=f"Người {i}", phone=f"0905 {i:03d} {i * 7 % 1000:03d}", email=""),
        agency=AGENCIES[(i // 2) % len(AGENCIES)],
        priority=list(Priority)[(i * 3) % len(Priority)],
        title=f"Tiêu đề {i}",
        version=1 + i % 4,
        updated_at=received + timedelta(hours=(i * 11) % 97),
        due_at=due,
        stage_due_at=None if due is None else received + timedelta(days=1),
        closed_at=received + timedelta(days=3) if status in TERMINAL else None,
    )
    for name, value in changes.items():
        setattr(report, name, value)
    return report


def with_history(report: Report) -> Report:
    """``report`` with a two-event history and a photo (times in a mix of zones)."""
    at = report.received_at
    report.history = [
        Event(1, at, "kenh.web", Role.CHANNEL, Action.SUBMIT, None, Status.NEW, {"channel": "web"}),
        Event(
            2,
            at + timedelta(minutes=30, microseconds=123),
            "ioc.lan",
            Role.OPERATOR,
            Action.FORWARD,
            Status.NEW,
            Status.FORWARDED,
            {"agency": "so-xd", "note": "Chuyển Sở Xây dựng", "list": [1, 2], "flag": True},
        ),
    ]
    report.attachments = [
        Attachment(
            id=f"{report.number}-1",
            kind="photo",
            content_type="image/jpeg",
            size=12345,
            url="https://hub.example/a/1.jpg",
            added_at=at,
        ),
        Attachment(id=f"{report.number}-2", kind="photo", content_type="image/png", size=99, stage="result"),
    ]
    return report
