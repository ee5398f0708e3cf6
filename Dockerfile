# One image for the blockops processes; docker-compose picks the command per service.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY apps ./apps
COPY packages ./packages
COPY workflows ./workflows
COPY monitoring ./monitoring
RUN npm ci --no-audit --no-fund && npm run build --workspace @blockops/web
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "apps/web/server.ts"]
