"""The app's pages (declared in app.py with st.navigation) and their helpers."""
