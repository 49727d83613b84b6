# eport-gateway container image / 网关容器镜像
#
#   docker build -t eport-gateway .
#   docker run -d --name eport \
#     -v /etc/eport:/etc/eport:ro -v eport-data:/var/lib/eport -v /srv/eport:/srv/eport \
#     -p 127.0.0.1:8470:8470 eport-gateway
#
# Card readers (操作员卡): the host runs pcscd; mount its socket folder so the gateway's PC/SC
# client talks to it:  -v /run/pcscd:/run/pcscd  (see README, "Containers").
#
# The base image is pinned to an exact Node.js and Debian release; for reproducible builds pin
# its digest too: FROM node:20.20.2-bookworm-slim@sha256:<digest of the image you reviewed>.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: compile TypeScript and the optional PC/SC module ----
FROM ${NODE_IMAGE} AS build
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcsclite-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
# Dependencies first (cached layer); their native add-ons are built by the rebuild below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
COPY config ./config
COPY samples ./samples
RUN npm run build \
 && npm rebuild pcsclite msgpackr-extract \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: Debian slim, no compiler, its own user ----
FROM ${NODE_IMAGE} AS runtime
# tini reaps the managed redis-server and passes signals on; libpcsclite1 is the PC/SC client
# library the card module loads; redis-server serves installs without a Redis of their own.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates libpcsclite1 redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 eport \
 && useradd --system --uid 10001 --gid eport --home-dir /var/lib/eport --no-create-home --shell /usr/sbin/nologin eport \
 && mkdir -p /var/lib/eport /srv/eport /etc/eport \
 && chown eport:eport /var/lib/eport /srv/eport
WORKDIR /opt/eport
COPY --from=build /build/package.json ./
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
COPY --from=build /build/bin ./bin
COPY --from=build /build/config ./config
COPY --from=build /build/samples ./samples
COPY --from=build /build/src/translators/codes/tables ./src/translators/codes/tables

ENV NODE_ENV=production \
    EPORT_HEALTH_URL=http://127.0.0.1:8470/readyz
USER eport:eport
# dataDir (spool, audit log, archives, managed Redis) and the channel folders (inbox/outbox/...).
VOLUME ["/var/lib/eport", "/srv/eport"]
EXPOSE 8470
# Ready = Redis reachable and not evicting, signers ready, not overloaded (GET /readyz of the HTTP
# API; a build without that route answers 404 and shows unhealthy). The config must keep
# http.enabled (the default) and set http.host: 0.0.0.0 to publish the port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.EPORT_HEALTH_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: tini is PID 1 and hands SIGTERM to node, which drains (shutdownMs) and exits.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/eport/bin/eport.js"]
CMD ["start", "--config", "/etc/eport/eport.yaml"]
