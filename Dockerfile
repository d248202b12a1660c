# Build and run the WSIS server.
#
# The binary embeds FerretDB backed by pure-Go SQLite (modernc.org/sqlite),
# so it is built with CGO disabled and runs on a static, shell-less base.

# ---- build stage ----
FROM golang:1.26 AS build

WORKDIR /src
ENV CGO_ENABLED=0

# Download modules in their own layer so source edits don't invalidate it.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/wsis ./cmd/wsis \
 && mkdir -p /out/data

# ---- runtime stage ----
FROM gcr.io/distroless/static-debian12:nonroot

COPY --from=build /out/wsis /wsis
# Create /data owned by nonroot (65532) so a fresh named volume mounted there
# inherits that ownership and is writable by the server.
COPY --from=build --chown=65532:65532 /out/data /data

ENV WSIS_ADDR=:8080 \
    WSIS_DATA_DIR=/data

VOLUME /data
EXPOSE 8080
USER nonroot:nonroot

ENTRYPOINT ["/wsis"]
