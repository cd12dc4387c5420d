# syntax=docker/dockerfile:1
# Build: a static binary with everything (templates, static files, migrations) embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/selvhjelpshus ./cmd/selvhjelpshus

# Run: no shell, no package manager, a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/selvhjelpshus /selvhjelpshus
USER nonroot:nonroot
ENV APP_ENV=production ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["/selvhjelpshus"]
CMD ["serve"]
