# Multi-stage build: compile with the same script CI runs, then copy only what runs into a small
# non-root image. Build: docker build -t aibom-webhook:0.1.0 .
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/build.sh
COPY src src
COPY bin bin
RUN scripts/build.sh --prune

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
# Numeric uid/gid so `runAsNonRoot` can verify it; nothing in the image is writable by it.
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["node", "/app/dist/cli/run.js"]
CMD ["serve", "--config=/etc/aibom/config.yaml", "--tls-cert=/etc/aibom/tls/tls.crt", "--tls-key=/etc/aibom/tls/tls.key"]
