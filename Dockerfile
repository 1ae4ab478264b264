# syntax=docker/dockerfile:1
# The planner image: the API server, the operator, the backup runner and the kubectl plugin, with the
# PostgreSQL client tools the runner calls (pg_dump, pg_restore, psql, pg_isready).
#
#   docker build -t planner:dev .
#
# The client major must be at least the PostgreSQL major it dumps: pg_dump refuses newer servers.
# The chart's PostgreSQL is 17 (postgresql.image.tag), so the client is 17 too.
ARG NODE_MAJOR=24
ARG ALPINE_VERSION=3.22
ARG PG_CLIENT_MAJOR=17

# Build: install every dependency, compile the TypeScript to dist/, then drop the dev dependencies.
FROM node:${NODE_MAJOR}-alpine${ALPINE_VERSION} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY operator ./operator
COPY plugin ./plugin
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# Runtime: Node.js, the PostgreSQL client, dist/ and the production node_modules; no npm, no compiler.
FROM node:${NODE_MAJOR}-alpine${ALPINE_VERSION} AS runtime
ARG PG_CLIENT_MAJOR
RUN apk add --no-cache "postgresql${PG_CLIENT_MAJOR}-client" \
 && pg_dump --version | grep -q " ${PG_CLIENT_MAJOR}\." \
 && pg_restore --version && psql --version && pg_isready --version \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack

WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# Puts every entry of package.json "bin" on PATH (planner-server, planner-operator, planner-backup,
# kubectl-planner) and fails the build when a target is missing from dist/.
RUN node --input-type=module --eval " \
      import { chmodSync, existsSync, symlinkSync } from 'node:fs'; \
      import pkg from '/app/package.json' with { type: 'json' }; \
      for (const [name, target] of Object.entries(pkg.bin)) { \
        const path = '/app/' + target; \
        if (!existsSync(path)) throw new Error('bin ' + name + ': ' + path + ' is missing from the build'); \
        chmodSync(path, 0o755); \
        symlinkSync(path, '/usr/local/bin/' + name); \
      }" \
 && addgroup -S -g 10001 planner \
 && adduser -S -D -H -h /tmp -s /sbin/nologin -u 10001 -G planner planner

# Nothing below writes outside /tmp, so the root filesystem can be read-only (the chart mounts an
# emptyDir at /tmp). HOME points there for tools that look for a home folder.
ENV NODE_ENV=production \
    HOME=/tmp
USER 10001:10001
EXPOSE 8080
CMD ["planner-server"]
