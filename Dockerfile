# syntax=docker/dockerfile:1
#
# One Dockerfile, two images (targets): the API and the jobs worker.
#   docker build --target api  -t popbox-api  .
#   docker build --target jobs -t popbox-jobs .
# Each image holds only its app's compiled code and production dependencies (`pnpm deploy --prod`) and runs
# as the unprivileged `node` user. Migrations run from the API image:
#   docker run --rm -e DATABASE_URL=… popbox-api node node_modules/@popbox/db/dist/cli/migrate.js

ARG NODE_VERSION=24

# ---- build: install with the frozen lockfile, compile everything, carve out one folder per app ----------
FROM node:${NODE_VERSION}-bookworm-slim AS build
# pnpm from the npm registry (corepack is not used: it needs registry signatures some mirrors do not send).
ARG PNPM_VERSION=10.34.9
RUN npm install --global pnpm@${PNPM_VERSION}
ENV CI=true
WORKDIR /repo

# Dependencies first, so this layer is reused until the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store pnpm fetch

COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/root/.local/share/pnpm/store \
    pnpm install --offline --frozen-lockfile \
 && pnpm build \
 && pnpm --filter @popbox/api deploy --legacy --prod /out/api \
 && pnpm --filter @popbox/jobs deploy --legacy --prod /out/jobs

# ---- runtime base ----------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
USER node

# ---- API -------------------------------------------------------------------------------------------------
FROM runtime AS api
COPY --from=build --chown=node:node /out/api ./
ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Young generation capped at 4 MB semi-spaces, and gc exposed so the API can hand back the heap pages freed
# after startup (issue 14: idle and loaded RSS; see scripts/api-node-flags.mjs).
CMD ["node", "--max-semi-space-size=4", "--expose-gc", "dist/main.js"]

# ---- jobs worker -----------------------------------------------------------------------------------------
FROM runtime AS jobs
COPY --from=build --chown=node:node /out/jobs ./
CMD ["node", "dist/main.js"]
