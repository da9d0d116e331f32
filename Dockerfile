# shipshape's own image: a static-linked CLI on a distroless base, run as an unprivileged user.
# Build: docker build -t shipshape .   Run: docker run --rm -v "$PWD:/repo:ro" shipshape audit /repo
# Base images are pinned by digest; Dependabot or Renovate keeps the digests current.
FROM rust:1.95-slim@sha256:e14e87345b4d5964ddcc3491d27ee046a0f23820f340c3c1e24da6880141f7c0 AS build
# make builds jemalloc, the allocator the binary links (the image already has a C compiler).
RUN apt-get update \
    && apt-get install -y --no-install-recommends make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY rules ./rules
# `[patch.crates-io]` builds the vendored parsers, and Cargo refuses a manifest whose declared
# bench target is missing.
COPY vendor ./vendor
COPY benches ./benches
RUN cargo build --release --locked --bin shipshape

FROM gcr.io/distroless/cc-debian12@sha256:b7550f0b15838de14c564337eef2b804ba593ae55d81ca855421bd52f19bb480
COPY --from=build /src/target/release/shipshape /usr/local/bin/shipshape
USER 65532:65532
WORKDIR /repo
ENTRYPOINT ["/usr/local/bin/shipshape"]
CMD ["audit", "/repo"]
