"""Đôn đốc on the hub: the IOC reminds the agency holding a report; the hub takes it only while an
agency holds the report and only from IOC staff, records it in the history (the status stays) and
shows it to that agency's liaison; both backends."""

from __future__ import annotations

from hub_support import AGENCY_A, Hub, in_state

NOTE = "Phản ánh đã quá hạn xử lý. Đề nghị đơn vị khẩn trương xử lý."


def test_a_reminder_is_refused_in_words_while_the_ioc_holds_the_report(hub: Hub) -> None:
    number = in_state(hub, "new")
    r = hub.act("op", number, "remind", {"note": NOTE})
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "transition.not_allowed"
    assert "đôn đốc" in r.json()["message"]["vi"]
    assert hub.act("op", in_state(hub, "forwarded"), "remind", {"note": " "}).status_code == 422


def test_reminders_are_recorded_counted_and_seen_by_the_agency(hub: Hub) -> None:
    number = in_state(hub, "forwarded", AGENCY_A)
    hub.ok("op", number, "remind", {"note": NOTE})
    hub.ok("sup", number, "remind", {"note": "Nhắc lần hai"})
    seen = hub.report(number, user="lia_a")  # the agency's liaison reads the report
    reminders = [e for e in seen["history"] if e["action"] == "remind"]
    assert [(e["actor"], e["data"]["note"]) for e in reminders] == [("op", NOTE), ("sup", "Nhắc lần hai")]
    assert seen["status"] == "forwarded" and seen["agency"] == AGENCY_A
    # The liaison can act on it as before; a reminder on a report in progress is taken too.
    hub.ok("lia_a", number, "accept")
    assert hub.ok("op", number, "remind", {"note": NOTE})["report"]["status"] == "in_progress"
