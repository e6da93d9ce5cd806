# The Abone application image: one image for every process; ABONE_MODE (api | headend | all) picks the parts.
# It runs the TypeScript sources through tsx like the repository does (bin/abone.js): there is no build step.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app

# Dependencies first, so a source change does not reinstall them. The lockfile pins every version.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# Writable places for the unprivileged user: the data folder and the first admin's password file (a named volume
# mounted there takes this ownership when it is created).
RUN mkdir -p /app/.data /run/abone/admin && chown -R node:node /app/.data /run/abone
USER node

# 8080 HTTP (API, /health, /metrics), 1883 embedded MQTT broker (mode all without MQTT_URL), 4059 DLMS push.
EXPOSE 8080 1883 4059
CMD ["node", "bin/abone.js", "start"]
