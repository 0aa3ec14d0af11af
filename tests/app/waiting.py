"""Waiting in AppTests for the app's background jobs, whose progress fragment AppTest does not run on its timer."""

import time

from streamlit.testing.v1 import AppTest

from ui.jobs import LEAVE_NOTE


def until_jobs_end(at: AppTest, timeout: float = 300) -> AppTest:
    """Run the page again until no background job shows its progress on it, as the page's timer would."""
    deadline = time.monotonic() + timeout
    while any(LEAVE_NOTE in caption.value for caption in at.caption):
        assert time.monotonic() < deadline, "the background job did not end in time"
        time.sleep(0.2)
        at.run()
    return at
