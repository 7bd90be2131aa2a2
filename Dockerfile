# The production image: gunicorn for the web, the same image for Celery worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VMI_VAR_DIR=/app/var
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput \
    && useradd --system --home /app vmi && mkdir -p /app/var/media && chown -R vmi /app/var
USER vmi
EXPOSE 8000
CMD ["gunicorn", "vmi_programme.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
