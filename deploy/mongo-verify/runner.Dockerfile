# The verification kit's test runner: the repository with its dev dependencies, running
# `npm run verify:mongo` against MONGODB_URL (set by deploy/mongo-verify/docker-compose.yml).
# node:20-bookworm carries the compilers better-sqlite3 may need to build.
FROM node:20-bookworm
WORKDIR /repo
COPY . .
RUN npm ci --no-audit --no-fund
CMD ["npm", "run", "verify:mongo"]
