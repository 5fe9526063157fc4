"""Writes for organisations, demo data and (later) the assessment workflow."""
