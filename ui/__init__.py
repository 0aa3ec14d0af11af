"""Streamlit glue shared by app.py and the pages: the warehouse holder, sign-in, the app shell, exports.

The rule for pages: a page calls one core function per user action (core/ops for anything that takes a lock or
spans several steps) and renders its result; it never sequences writes and has no SQL of its own."""
