# Stethoscope as one Deno process (README "Operating it" → Docker).
#   docker build -t stethoscope .
#   docker run -d --name stethoscope -p 8000:8000 --ulimit nofile=65536:65536 \
#     -v /etc/stethoscope:/etc/stethoscope:ro -v stethoscope-data:/app/data \
#     -e STETHOSCOPE_CONFIG=/etc/stethoscope/config.json \
#     -e STETHOSCOPE_SECRET_KEY=... -e STETHOSCOPE_JWT_KEY=... stethoscope
# Without STETHOSCOPE_CONFIG it starts in demo mode. /app/data is the volume for the SQLite store
# (sessions signed out, answers, the outbox, snapshots, batch runs): back it up. Each connection
# holds a file descriptor: give the container room with --ulimit nofile (out of descriptors, the
# server refuses new connections until some close, and keeps running). It runs as the image's
# non-root `deno` user. Every COPY below is checked by tests/ci/dockerfile_test.ts, which rebuilds
# this context in an empty folder and runs the RUN step's `deno cache main.ts` there.
# A batch run in this image: add -e DENO_V8_FLAGS=--max-old-space-size=384 (the `batch` task's
# heap cap; README "The whole company").
FROM denoland/deno:2.9.6

WORKDIR /app
COPY deno.json deno.lock ./
COPY main.ts ./
COPY cli ./cli
COPY config ./config
COPY engine ./engine
COPY lib ./lib
COPY plugins ./plugins
COPY routes ./routes
COPY static ./static
COPY views ./views
RUN deno cache main.ts && mkdir -p /app/data && chown deno:deno /app/data

USER deno
ENV PORT=8000
EXPOSE 8000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('PORT') ?? '8000'}/healthz`); Deno.exit(r.ok ? 0 : 1)"]
CMD ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write=./data", "--allow-sys=hostname,osRelease,networkInterfaces", "main.ts", "serve", "--hostname", "0.0.0.0"]
