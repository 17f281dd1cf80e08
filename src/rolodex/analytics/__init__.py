"""Dashboard figures and analytics."""
