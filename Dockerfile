# One image for every service of the distributed mode; the container's command picks the
# service (see docker-compose.yml): node dist/gateway/src/index.js,
# node dist/subgraphs/<name>/src/index.js, node dist/prisma/tools/migrate.js deploy.

# --- build: compile TypeScript and generate the Prisma client --------------------------------
FROM node:20-slim AS build
WORKDIR /app
# NODE_ENV stays unset here: prisma.config.ts calls loadConfig(), which in production demands
# DATABASE_URL and SUBGRAPH_SECRET, and `npm ci` would skip the dev tools (tsc) we need.
COPY package.json package-lock.json ./
# --ignore-scripts: the postinstall (prisma generate) needs sources not copied yet and runs
# below; dependencies' install scripts only fetch embedded Postgres, unused in this mode.
RUN npm ci --ignore-scripts
COPY . .
# Offline-safe `prisma generate` (prisma/tools/generate.ts), then scripts/build.ts: tsc and the
# run-time files copied into dist/.
RUN npm run prisma:generate && npm run build

# --- runtime: production dependencies and compiled output only ------------------------------
FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: no tsx, TypeScript, embedded-postgres, faker, the composition
# CLI tools or the Prisma CLI (all devDependencies). `--omit=optional` as well: the Prisma CLI
# is an optional peer of @prisma/client, which npm would otherwise keep; the generated client
# needs only @prisma/client's runtime. --ignore-scripts: the postinstall is a dev step.
# sharp (receipt images) ships its native binary as optional platform packages: the one of this
# image's platform is installed explicitly, without the rest of the optional tree.
RUN npm ci --omit=dev --omit=optional --ignore-scripts \
  && ARCH=$(node -p process.arch) \
  && npm install --no-save --omit=dev --ignore-scripts "@img/sharp-linux-$ARCH@0.35.5" "@img/sharp-libvips-linux-$ARCH@1.3.4" \
  && npm cache clean --force
# `npm run build` put what the compiled code reads at run time (schema/*.graphql,
# prisma/schema, prisma/migrations, gateway/dashboard) under dist/, next to the code that reads it.
COPY --from=build /app/dist ./dist
# The gateway's SUPERGRAPH_PATH default is relative to the working directory, /app.
ENV SUPERGRAPH_PATH=/app/dist/schema/supergraph.graphql
# The image's `node` user (uid 1000): the app needs no write access to /app.
USER node
CMD ["node", "dist/gateway/src/index.js"]
