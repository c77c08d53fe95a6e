# syntax=docker/dockerfile:1
# contact-hub as an image: dependencies, the Prisma client and the desk's bundle are made here, at build, so a
# container installs and downloads nothing when it starts. README, "Running as a container image".
#   docker build -t contact-hub .

# Node 20, as package.json's engines and CI. For repeatable builds pin a release: --build-arg NODE_VERSION=20.20.2
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# .npmrc turns install scripts off: @prisma/engines' postinstall would download a native engine from outside
# npm, and none is needed (driver adapters for queries, @prisma/schema-engine-wasm for migrations).
COPY package.json package-lock.json .npmrc ./
# Runtime dependencies only (no TypeScript compiler, vitest or types). tsx is one: the hub runs its TypeScript
# through it, with no compile step. So is esbuild (web-bundle.ts imports it), and the prisma CLI, which only the
# generate step below uses.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM deps AS build
COPY . .
# prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at a stub, so generate downloads no engine; no
# telemetry either. Then scripts/prepare.ts makes, once, into node_modules/.cache, what each start would
# otherwise make: the desk's bundle (web-bundle.ts), the needs model's weights (hub/needs/model-store.ts) and
# the embedded database's template (hub/db/template.ts), each found by the hash of its inputs.
ENV CHECKPOINT_DISABLE=1
RUN npx --no-install prisma generate \
 && node --import tsx scripts/prepare.ts \
 && ls node_modules/.cache/contact-hub-desk/*/manifest.json node_modules/.cache/contact-hub-pglite/*.tar.gz

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/app/data
WORKDIR /app
# Owned by root, so the hub cannot change its own code; it writes only to DATA_DIR (and /tmp: tsx's cache).
COPY --from=build /app /app
# DATA_DIR: the embedded database (PGlite, when DATABASE_URL is unset) and, in web processes, the inbound journal
# (contacts answered 2xx while the database was down, stored when it is back). /app/data is also where
# .env.example's DATA_DIR=./data points. Created before VOLUME so a new volume starts owned by the node user.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
# HTTP (PORT), and the SMTP listener (SMTP_PORT) when the email channel is on; both only in the web role.
EXPOSE 3000 2525
# GET /health: 200 when this process reaches its database and Redis. Only the web role serves HTTP: switch the
# check off for worker-only containers (docker-compose.yml does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Migrations are applied by the hub itself as it starts (hub/db/client.ts, under PostgreSQL's migration lock, so
# web and worker starting together is safe): no separate step. node --import tsx rather than the tsx CLI, so the
# hub is the process that receives SIGTERM and stops cleanly.
CMD ["node", "--import", "tsx", "app/main.ts"]
