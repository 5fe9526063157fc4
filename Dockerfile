# The portal image used by docker-compose.yml for web, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
# constraints.txt pins every dependency (see `make lock`), so the image gets the tested versions.
COPY pyproject.toml README.md constraints.txt ./
RUN pip install --upgrade pip && pip install -c constraints.txt .
COPY . .
# /data/static: where web publishes these collected files for nginx; a new named volume takes
# this directory's owner, so it must exist and belong to portal here (as /data/media does).
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 portal \
 && mkdir -p /data/media /data/beat /data/static && chown -R portal /data

USER portal
EXPOSE 8000
CMD ["gunicorn", "maturity_portal.wsgi:application", "--bind", "0.0.0.0:8000"]
