"""The server-rendered dashboard: <area>.py routes and templates/<area>/*.html."""
