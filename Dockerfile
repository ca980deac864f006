# A slim image that runs the app as a non-root user on port 8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1

WORKDIR /srv/attention-course
COPY pyproject.toml README.md ./
COPY app ./app
COPY lessons ./lessons
COPY templates ./templates
COPY static ./static
# Editable, so the app finds lessons/, templates/ and static/ beside its package.
RUN pip install --no-cache-dir -e . && useradd --create-home --uid 10001 learner

USER learner
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
# Several workers: set WEB_CONCURRENCY (they share the quiz secret via ATTENTION_COURSE_SECRET).
CMD ["sh", "-c", "exec attention-course serve --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-1}"]
