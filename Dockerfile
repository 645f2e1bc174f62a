FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
# the s3 extra (django-storages): used only when AWS_STORAGE_BUCKET_NAME is set
RUN pip install --no-cache-dir -e ".[s3]"
COPY . .
RUN DEBUG=1 python manage.py compilemessages --ignore=.venv -v0 \
 && SECRET_KEY=build-only DEBUG=0 ALLOWED_HOSTS=* python manage.py collectstatic --noinput -v0
RUN useradd --create-home portal && chown -R portal /app
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
