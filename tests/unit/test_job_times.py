"""How a background job's times read on its panel: the time today, the date too for a job of an earlier day."""

from datetime import datetime, timedelta

from ui.jobs import _when


def test_a_job_of_today_reads_as_a_time_and_one_of_an_earlier_day_with_its_date():
    now = datetime.now().replace(hour=14, minute=5)
    assert _when(now) == "at 14:05"
    yesterday = now - timedelta(days=1)
    assert _when(yesterday) == f"on {yesterday:%d %b} at 14:05"  # shown once, possibly the next morning
