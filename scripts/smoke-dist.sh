#!/usr/bin/env bash
# The production path, as the README documents it: `npm run build`, then the compiled migration
# job and one compiled service run with plain `node` (NODE_ENV=production): GET /health and
# GET /ready answer 200, and SIGTERM stops it with exit code 0. Run by .ci/run.
#
#   DATABASE_URL   a database it may migrate (.ci/run creates an empty one on the CI Postgres).
#                  Unset: no database; only /health is checked (the process starts and serves).
set -euo pipefail
cd "$(dirname "$0")/.."
with_db=${DATABASE_URL:+1}
# Nothing listens on port 1: the service starts (Prisma connects lazily) and /ready says 503.
export DATABASE_URL=${DATABASE_URL:-postgres://nobody@127.0.0.1:1/none}

PORT=${SMOKE_PORT:-14801}
LOG=$(mktemp)
npm run build
if [ -n "$with_db" ]; then
  NODE_ENV=production SUBGRAPH_SECRET=smoke-secret-0123456789 node dist/prisma/tools/migrate.js deploy
fi

NODE_ENV=production PORT=$PORT HOST=127.0.0.1 SUBGRAPH_SECRET=smoke-secret-0123456789 \
  JWT_SIGNING_KEYS="$(node dist/scripts/generate-keys.js)" \
  VIEWER_CREDENTIAL_PUBLIC_KEY="$(node dist/scripts/generate-keys.js credential | sed -n 's/^VIEWER_CREDENTIAL_PUBLIC_KEY=//p')" \
  node dist/subgraphs/users/src/index.js >"$LOG" 2>&1 &
pid=$!
# GET with node's fetch (no curl needed): prints the body, fails unless 200.
get() { node -e "fetch(process.argv[1]).then(async (r) => { process.stdout.write(await r.text() + '\\n'); process.exit(r.status === 200 ? 0 : 1); }, () => process.exit(1))" "$1"; }
fail() { echo "dist smoke: $*" >&2; sed 's/^/  | /' "$LOG" >&2; kill "$pid" 2>/dev/null || true; exit 1; }

for _ in $(seq 1 120); do
  get "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "node dist/subgraphs/users/src/index.js exited before answering"
  sleep 0.5
done
get "http://127.0.0.1:$PORT/health" || fail "GET /health did not answer 200 within 60 s"
if [ -n "$with_db" ]; then
  get "http://127.0.0.1:$PORT/ready" || fail "GET /ready did not answer 200"
else
  echo "dist smoke: no DATABASE_URL: migration job and /ready not checked"
fi
kill -TERM "$pid"
code=0
wait "$pid" || code=$?
[ "$code" = 0 ] || fail "exited with code $code on SIGTERM"
echo "dist smoke: node dist/subgraphs/users/src/index.js served /health and /ready and stopped cleanly"
rm -f "$LOG"
