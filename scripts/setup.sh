#!/bin/sh
# Makes a checkout runnable: installs dependencies when the lockfile changed, and generates the
# Prisma client when the schema changed. Cheap when nothing changed, so `npm start` and `npm test` run it.
set -e
cd "$(dirname "$0")/.."
stamp() { cat "$@" | sha256sum | cut -d' ' -f1; }
mkdir -p node_modules
if [ ! -f node_modules/.contact-hub-lock ] || [ "$(cat node_modules/.contact-hub-lock)" != "$(stamp package-lock.json)" ]; then
  npm ci --no-audit --no-fund
  stamp package-lock.json > node_modules/.contact-hub-lock
fi
if [ ! -f hub/generated/prisma/client.ts ] || [ ! -f hub/generated/.schema-hash ] || [ "$(cat hub/generated/.schema-hash)" != "$(stamp prisma/schema.prisma)" ]; then
  npx --no-install prisma generate
  stamp prisma/schema.prisma > hub/generated/.schema-hash
fi
