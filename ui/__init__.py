"""Streamlit glue shared by app.py and the pages: the warehouse holder, sign-in, the app shell, exports."""
