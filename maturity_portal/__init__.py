"""The maturity portal project package; importing it registers the Celery app."""

from maturity_portal.celery import app as celery_app

__all__ = ["celery_app"]
