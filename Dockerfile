# syntax=docker/dockerfile:1
# The cardflow engine: one image, the role is the command.
#
#   docker run ... cardflow worker        the worker (workflows + activities), GET /health on :8089
#   docker run ... cardflow api           the HTTP API and provider webhooks, GET /health on :8080
#   docker run ... cardflow codec-server  payload codec for the Web UI and CLI, GET /health on :8234
#
# The image ships the product only (src/, workflows/, activities/ compiled). The provider
# sandboxes are development tools (tools/): `--target sandbox` builds an image of their own for
# the compose file's local-trial profile (`cardflow sandbox kazepay|wasabi`).
#
# Debian (glibc), never Alpine: the Temporal core SDK ships no musl build. Configuration comes
# from environment variables (any of them also as <NAME>_FILE, for secrets mounted as files) and
# nothing secret is ever copied into the image. docs/deployment.md lists every variable.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: every dependency, compile to dist/ and pre-bundle the workflows -------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lockfile (every platform's optional builds are listed in it); the install scripts
# that run are the ones package.json "allowScripts" approves.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# tsc to dist/, then dist/workflow-bundle.js with the replay-tested bundle options: a bundling
# error fails the image build, not a worker start.
RUN npm run build

# ---- production dependencies only ------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- sandbox: the provider sandboxes for a local trial (tools/, run through tsx) -------------
FROM build AS sandbox
COPY tools ./tools
RUN mkdir -p /var/lib/cardflow/sandbox && chown -R node:node /var/lib/cardflow
USER node:node
ENTRYPOINT ["node", "--import", "tsx", "tools/cli/main.ts"]
CMD ["help"]

# ---- runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    CARDFLOW_DATA_DIR=/var/lib/cardflow \
    CARDFLOW_DOCUMENTS_DIR=/var/lib/cardflow/documents \
    CARDFLOW_WORKFLOW_BUNDLE=prebuilt \
    CARDFLOW_WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
# A fixed, unprivileged uid/gid (10001), so mounted volumes and secret files can be given to it.
# The data folders exist in the image owned by it: a fresh named volume mounted there inherits
# that ownership.
RUN groupadd --system --gid 10001 cardflow \
 && useradd --system --uid 10001 --gid cardflow --home-dir /var/lib/cardflow --shell /usr/sbin/nologin cardflow \
 && mkdir -p /var/lib/cardflow/documents /var/lib/cardflow/sandbox \
 && chown -R cardflow:cardflow /var/lib/cardflow
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
USER cardflow:cardflow
# bin/cardflow.js runs the compiled dist/src/cli/main.js (present here); tsx is not installed.
ENTRYPOINT ["node", "bin/cardflow.js"]
CMD ["help"]
# 8080 api, 8089 worker health, 8234 codec server, 9464 Prometheus metrics (worker).
EXPOSE 8080 8089 8234 9464
# Liveness of whichever role runs: the worker's /health answers 503 unless it polls. The address
# follows the role's bind-address variable (compose files may override this check per service).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "bin/healthcheck.js"]
