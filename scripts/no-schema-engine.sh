#!/bin/sh
# Stand-in for Prisma's native schema engine, which the CLI would otherwise download (impossible offline).
# contact-hub applies and checks migrations with the wasm schema engine instead: see scripts/migrate.ts.
echo "contact-hub: the native Prisma schema engine is not installed; use 'npm run db:migrate' / 'npm run db:diff'." >&2
echo "To use the normal engine (needs internet), set PRISMA_SCHEMA_ENGINE_BINARY to an empty value." >&2
exit 1
