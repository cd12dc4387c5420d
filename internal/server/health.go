package server

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
)

// healthz answers 200 as long as the process serves HTTP; a supervisor restarts it otherwise.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok\n"))
}

// refusedRecently is how long /readyz stays 503 after a request found the database
// overloaded.
const refusedRecently = 15 * time.Second

// readyz answers 200 when the database answers and 503 when it does not, so a load balancer
// sends no traffic to an instance that cannot serve it. The pool reconnects by itself when the
// database returns: no restart is needed. It stays 503 for refusedRecently after a request
// found the database overloaded (too many connections).
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	err := s.db.Ping(ctx)
	if err != nil && postgres.IsUnavailable(err) && ctx.Err() == nil {
		// After a database restart the idle connections in the pool are all dead; drop them
		// so this answer is about the database, not about one stale connection.
		s.db.Reset()
		err = s.db.Ping(ctx)
	}
	if err == nil && time.Since(time.Unix(0, s.dbRefusedAt.Load())) < refusedRecently {
		err = errors.New("a request found the database overloaded moments ago")
	}
	if err != nil {
		s.log.Warn("readyz: database unavailable", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
