# Production image: the web server (gunicorn), the Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint's libraries, fonts covering Latin Extended, Greek and Cyrillic, gettext for the catalogues.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-dejavu-extra fonts-noto-core fonts-liberation2 \
      gettext curl \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 mobility
WORKDIR /app

COPY pyproject.toml README.md ./
COPY mobility/__init__.py mobility/celery.py mobility/
RUN mkdir -p partners certification && touch partners/__init__.py certification/__init__.py \
 && pip install .

COPY . .
RUN pip install --no-deps . \
 && DEBUG=true python manage.py compilemessages -v 0 \
 && DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build EMAIL_URL=dummymail:// \
      python manage.py collectstatic --noinput -v 0 \
 && mkdir -p /app/var/media && chown -R mobility:mobility /app/var

USER mobility
ENV DEBUG=false \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media
EXPOSE 8000
CMD ["gunicorn", "mobility.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
