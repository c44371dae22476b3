# One Hoard node: the built JavaScript (server/dist, web-console/dist) and the server's
# production dependencies, run by plain node as the unprivileged `node` user.
#   docker build -t hoard .
#   docker run -p 3000:3000 -e HOARD_SECRET=... -v hoard-data:/data hoard
# docker-compose.yml runs one behind nginx; docker-compose.cluster.yml runs three.
#
# Node is pinned to one release (≥ 20.19, as package.json's engines asks). Every stage uses the
# same Debian release, so the better-sqlite3 compiled in `deps` loads in the final image.
ARG NODE_VERSION=20.20.2

# 1. Build: every dependency from the lockfile, then `npm run build` (the console with vite,
#    the server with esbuild).
FROM node:${NODE_VERSION}-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY protocol/package.json protocol/package.json
COPY server/package.json server/package.json
COPY client-sdk/package.json client-sdk/package.json
COPY web-console/package.json web-console/package.json
COPY demo/package.json demo/package.json
RUN npm ci --no-audit --no-fund
COPY protocol protocol
COPY server server
COPY client-sdk client-sdk
COPY web-console web-console
RUN npm run build

# 2. Production dependencies of the server workspace only: no vite, vitest or TypeScript.
#    (better-sqlite3 is compiled here when no prebuilt binary can be downloaded: this image has
#    python3, make and g++.)
FROM node:${NODE_VERSION}-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/package.json
COPY server/package.json server/package.json
COPY client-sdk/package.json client-sdk/package.json
COPY web-console/package.json web-console/package.json
COPY demo/package.json demo/package.json
RUN mkdir -p server/node_modules && npm ci --omit=dev --workspace=server --no-audit --no-fund

# 3. Run: what the node needs and nothing else (no sources, tests, bench or build tools).
#    The application files stay root's; the node user writes only /data.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 HOARD_DB=/data/hoard.db
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/server/node_modules server/node_modules
COPY --from=build /app/package.json package.json
COPY --from=build /app/server/package.json server/package.json
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web-console/dist web-console/dist
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
# Ready, not merely alive: 503 while draining or while a configured Redis or MongoDB is down.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` execs, without npm: node itself gets SIGTERM, drains and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "server/dist/main.js"]
