"""AppTest helpers: release what each test's app runs cached, and watch what download buttons hand out."""

from collections.abc import Iterator

import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def release_cached_resources() -> Iterator[None]:
    """Close the shared warehouse connection and stop the job worker a test's app run started.

    Otherwise the worker would live on and serve job requests for the next test's warehouse.
    """
    yield
    st.cache_resource.clear()


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """The data handed to each download button in the latest run, by label (callables for deferred files)."""
    seen: dict = {}
    real = st.download_button

    def spy(label, data, **kwargs):
        seen[label] = data
        return real(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    return seen
