"""AppTest runs share this process: release what their app runs cached once each test ends."""

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
