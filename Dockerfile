FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# gettext compiles the translation catalogues below; Noto Sans CJK draws the Chinese labels of the plots (worker).
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://x@localhost/x \
    python manage.py collectstatic --noinput \
    && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only DATABASE_URL=postgres://x@localhost/x \
    python manage.py compilemessages
RUN useradd --create-home edc && mkdir -p /app/data && chown -R edc /app/data
USER edc
EXPOSE 8000
