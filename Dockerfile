# syntax=docker/dockerfile:1
# The lockstep CLI as a container image: `docker build -t lockstep .` (docs/container.md).
# Stage 1 builds the npm package exactly as `npm pack` makes it; stage 2 installs that package alone,
# with its production dependencies, on a slim Node.js image and runs it as the unprivileged `node` user.

ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the dev dependencies' downloads (an embedded PostgreSQL for the tests, the ORMs'
# engines) are not needed to build.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp && mv /tmp/lockstep-*.tgz /tmp/lockstep.tgz

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
COPY --from=build /tmp/lockstep.tgz /tmp/lockstep.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/lockstep.tgz \
    && rm /tmp/lockstep.tgz \
    && npm cache clean --force
# The project to migrate is mounted or copied here; lockstep's default --project is the working directory.
WORKDIR /app
RUN chown node:node /app
USER node
ENTRYPOINT ["lockstep"]
CMD ["--help"]
