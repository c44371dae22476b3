# One Hoard node. docker-compose.yml runs three of them behind nginx.
#   docker build -t hoard .
#   docker run -p 3000:3000 -e HOARD_SECRET=... -v hoard-data:/data hoard

# Build: install from the lockfile (better-sqlite3 is compiled here if no prebuilt binary
# can be downloaded: this image has python3, make and g++), build what has a build step,
# then drop the dev dependencies.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/package.json
COPY server/package.json server/package.json
COPY client-sdk/package.json client-sdk/package.json
COPY web-console/package.json web-console/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build --workspaces --if-present && npm prune --omit=dev --no-audit --no-fund

# Run: the same Debian release, so the compiled better-sqlite3 loads.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 HOARD_DB=/data/hoard.db
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, without npm in between: node itself gets SIGTERM and shuts down gracefully.
CMD ["node", "--import", "tsx", "server/src/main.ts"]
