package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/metrics"
	"github.com/linkoslo/selvhjelpshuset/internal/server"
)

// startAdmin serves the admin listener on addr (a loopback address, checked by config) until
// ctx ends. It returns a function that shuts the listener down and waits for it.
func startAdmin(ctx context.Context, addr string, m *metrics.Metrics, log *slog.Logger, stdout io.Writer) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listen: %w", err)
	}
	fmt.Fprintf(stdout, "Admin listener (metrics, pprof) on http://%s\n", ln.Addr())
	srv := newAdminServer(adminHandler(m), log)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := server.Serve(ctx, srv, ln, 5*time.Second)
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("admin listener stopped", "error", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// adminHandler serves Prometheus metrics at /metrics and Go's profiles under /debug/pprof/.
// The pprof handlers are registered on this mux by name. (Loading net/http/pprof also
// registers them on http.DefaultServeMux, but no server of the app serves that mux.)
func adminHandler(m *metrics.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol) // go tool pprof POSTs to it
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// newAdminServer returns an http.Server for the admin listener. Its write timeout leaves room
// for a CPU profile or a trace, which run 30 seconds unless asked otherwise.
func newAdminServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
