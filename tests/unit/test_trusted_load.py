"""Model files load one at a time: numpy parses array headers with Python 3.11's ast, which is not thread-safe."""

import threading
import time

from core import trusted_load


def test_two_threads_never_load_at_the_same_time(monkeypatch):
    inside, most = 0, 0
    guard = threading.Lock()

    def slow_load(path, trusted):
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)  # long enough for the other thread to arrive while this one reads
        with guard:
            inside -= 1
        return (path, tuple(trusted))

    monkeypatch.setattr(trusted_load, "load", slow_load)
    results = []
    threads = [
        threading.Thread(target=lambda n=n: results.append(trusted_load.load_trusted(f"m{n}", ["T"]))) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    assert sorted(results) == [(f"m{n}", ("T",)) for n in range(4)]
