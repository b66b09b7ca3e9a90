"""Dates as the app writes them in Japanese: 2026年04月01日 (and the time of day).

Never through ``strftime`` with a kanji in the format: on Windows, Python hands the
format to the C library in the system's code page, and on a PC whose code page lacks
Japanese it fails (UnicodeEncodeError) after the work is done.
"""

from __future__ import annotations

from datetime import date, datetime


def japanese_date(day: date) -> str:
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


def japanese_datetime(moment: datetime) -> str:
    return f"{japanese_date(moment)} {moment:%H:%M:%S}"
