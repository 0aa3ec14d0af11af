"""AppTest helpers: release what each test's app runs cached, and watch what download buttons hand out."""

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit import config


@pytest.fixture(autouse=True)
def loopback_server() -> Iterator[None]:
    """App tests stand for a server on 127.0.0.1: without sign-in Sway serves nowhere else."""
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


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
