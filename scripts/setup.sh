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
# What a first start would otherwise make (the desk's bundle, the needs model, the embedded database's template;
# scripts/prepare.ts): made again when their inputs change. Only caches, so a failure here is not fatal.
prepared=$(find prisma/migrations hub/needs hub/data agent-desk/web agent-desk/shared channels/contract.ts package-lock.json -type f | sort | xargs cat | sha256sum | cut -d' ' -f1)
if [ "$(cat node_modules/.cache/contact-hub-prepared 2>/dev/null)" != "$prepared" ]; then
  if node --import tsx scripts/prepare.ts; then
    echo "$prepared" > node_modules/.cache/contact-hub-prepared
  else
    echo "scripts/prepare.ts failed: the hub will make these caches itself as it starts" >&2
  fi
fi
