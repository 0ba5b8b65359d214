# Stethoscope as one Deno process.
#   docker build -t stethoscope .
#   docker run -p 8000:8000 -v /etc/stethoscope:/etc/stethoscope:ro \
#     -e STETHOSCOPE_CONFIG=/etc/stethoscope/config.json -e SECRET_KEY=... stethoscope
# Without STETHOSCOPE_CONFIG it starts in demo mode. Each connection holds a file descriptor: give the
# container room with `docker run --ulimit nofile=65536:65536` (out of descriptors, the server
# refuses new connections until some close, and keeps running).
FROM denoland/deno:2.9.6

WORKDIR /app
COPY deno.json deno.lock ./
COPY main.ts ./
COPY cli ./cli
COPY config ./config
COPY engine ./engine
COPY plugins ./plugins
COPY routes ./routes
COPY static ./static
COPY views ./views
RUN deno cache main.ts && mkdir -p /app/data && chown deno:deno /app/data

USER deno
ENV PORT=8000
EXPOSE 8000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=3s CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8000/healthz'); Deno.exit(r.ok ? 0 : 1)"]
CMD ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write=./data", "--allow-sys=hostname,osRelease,networkInterfaces", "main.ts", "serve", "--hostname", "0.0.0.0"]
