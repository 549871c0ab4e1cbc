# One image for the Spendtrace app (the default command, `npm start`'s server on port 3000) and the collector sink
# (docker-compose.yml overrides the command with `npm run collector`); `npm run db:migrate` runs from it too.
FROM node:20-bookworm-slim

ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
# Built and run as the image's unprivileged `node` user, who owns /app: at run time the server writes
# .next/cache, and without DATABASE_URL the embedded database under .data.
RUN chown node:node /app
USER node

# Dependencies first, so a source change does not reinstall them. `npm ci` runs our postinstall
# (`node scripts/prisma-generate.mjs`, offline), which needs the Prisma schema and config. No prune of
# dev dependencies: one install, and the same tree the tests run against (the sink and the migrator
# run TypeScript through tsx, straight from the sources).
COPY --chown=node:node package.json package-lock.json prisma.config.ts ./
COPY --chown=node:node scripts/prisma-generate.mjs scripts/
COPY --chown=node:node prisma prisma
RUN npm ci --no-audit --no-fund

COPY --chown=node:node . .
# The build cache is of no use at run time.
RUN npm run build && rm -rf .next/cache

ENV NODE_ENV=production
EXPOSE 3000
# The server itself as the container's process (no npm, no shell between): `docker stop`'s SIGTERM reaches
# it directly, and it drains requests in flight and flushes the rows before exiting (lib/server/).
CMD ["node", "--import", "tsx", "server.ts"]
