# Switchboard image. Build: docker build -t switchboard .
# Run (embedded engine, shipped switchboard.yaml): that file listens on 127.0.0.1 and names certs/server.{crt,key},
# so use the host network and mount the certificates (make them with certs/make-dev-certs.sh):
#   docker run --network host -v "$PWD/certs:/app/certs:ro" switchboard
# docker-compose.yml runs it with the drachtio engine instead (docker/switchboard.drachtio.yaml).

# --- build: every dependency, then the compile gate ---------------------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build` is tsc -p tsconfig.build.json: it fails the image on any type error. Its output (dist/) is not
# what runs: the media worker entries (src/**/*.mjs) load TypeScript through tsx and tsc does not emit them, so
# the runtime runs the sources through tsx exactly like `npm start` and bin/switchboard.mjs (tsx is a dependency).
RUN npm run build

# --- runtime: production dependencies and the checked sources ----------------------------------------------------
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/tsconfig.json ./
COPY --from=build /app/src ./src
COPY bin ./bin
COPY dialplans ./dialplans
COPY switchboard.yaml ./
COPY docker ./docker

# The node image's unprivileged user (uid 1000). SIP 5060 is above 1023, so no capability is needed.
USER node

# The shipped switchboard.yaml: SIP UDP/TCP 5060, TLS 5061, HTTP 8080 (/metrics, /healthz). RTP (media.portMin..
# portMax, 20000-29999) is not listed: publish the range you configure, or use the host network.
EXPOSE 5060/udp 5060/tcp 5061/tcp 8080/tcp

# slim has no curl: Node 20's fetch. /healthz answers 503 while draining, which counts as unhealthy.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# What bin/switchboard.mjs (the package's `switchboard` bin) does: register tsx, import src/main.ts.
CMD ["node", "bin/switchboard.mjs", "--config", "switchboard.yaml"]
