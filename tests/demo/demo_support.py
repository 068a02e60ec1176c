"""Constants shared by the demo tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: A fixed "now" so that the history is the same on every run (a Wednesday afternoon).
NOW = datetime(2021, 6, 30, 16, 0, tzinfo=TZ)
