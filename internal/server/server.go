// Package server is the only package that knows HTTP: routing, middleware, sessions, and
// rendering of the pages in web/. Handlers are short scripts that parse, call a feature
// package, and render or redirect.
package server

import (
	"context"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/tokens"
	"github.com/linkoslo/selvhjelpshuset/web"
)

// Server holds the app's dependencies and its router. Build it with New.
type Server struct {
	cfg      config.Config
	db       *pgxpool.Pool
	log      *slog.Logger
	sessions *scs.SessionManager
	// sessionStore is the sessions' table, behind the digests of digestStore.
	sessionStore *pgxstore.PostgresStore
	assets       *web.Assets
	seal         *auth.Sealer     // two-factor secrets at rest
	deviceSeal   *auth.Sealer     // the device cookies of browsers that have logged in
	licenceRing  *secrets.Keyring // licence credentials at rest (not the key register)
	outbox       *mail.Outbox
	formKeys     optin.Keys   // the open forms' requests: sealed content, hashed addresses
	formLimits   optin.Limits // the open forms' shared limiter (tests raise it)
	now          func() time.Time
	// wallClock times sessions' idle limit. Tests that move now to another day (a loan that
	// starts tomorrow) keep their logins; the idle test moves this one.
	wallClock func() time.Time
	metrics   func(http.Handler) http.Handler // nil: requests are not measured
	memo      *memos                          // the public pages' cached reads
	handler   http.Handler
	// dbRefusedAt is when (unix nanoseconds, wall clock) a request last found the database
	// overloaded: /readyz says 503 for a while after, though its own ping may find an idle
	// connection that still works while new ones are refused (53300). An outage needs no
	// memory: the ping sees it, and sees the database come back.
	dbRefusedAt atomic.Int64
}

// New wires a Server. It does not touch the network; Close stops its background work.
// outbox queues e-mail in the transaction of the change it belongs to.
func New(cfg config.Config, db *pgxpool.Pool, log *slog.Logger, outbox *mail.Outbox) (*Server, error) {
	assets, err := web.NewAssets()
	if err != nil {
		return nil, err
	}
	seal, err := auth.NewSealer(cfg.Secret, "totp", cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	deviceSeal, err := auth.NewSealer(cfg.Secret, "device", cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	licenceRing, err := secrets.NewKeyring("licence", cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	formKeys, err := optin.NewKeys(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, log: log, assets: assets, seal: seal, deviceSeal: deviceSeal, licenceRing: licenceRing, outbox: outbox,
		formKeys: formKeys, formLimits: optin.DefaultLimits, now: time.Now, wallClock: time.Now, memo: newMemos(nil)}
	s.sessionStore = pgxstore.NewWithCleanupInterval(db, 30*time.Minute)
	s.sessions = newSessions(cfg, digestStore{s.sessionStore})
	s.sessions.ErrorFunc = s.sessionError
	s.handler = s.routes()
	return s, nil
}

// SetMetrics measures every request with mw (metrics.Middleware), inside the router so that
// mw can read the route pattern. Call it before serving: it rebuilds the router.
func (s *Server) SetMetrics(mw func(http.Handler) http.Handler) {
	s.metrics = mw
	s.handler = s.routes()
}

// Handler returns the root HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the session cleanup goroutine.
func (s *Server) Close() { s.sessionStore.StopCleanup() }

// digestStore keeps each session under the SHA-256 of its token, so that the sessions table
// (a backup, a copy of the database) holds nothing that opens a session: the token itself is
// only ever in the browser's cookie.
type digestStore struct{ scs.Store }

func sessionDigest(token string) string { return hex.EncodeToString(tokens.Hash(token)) }

func (d digestStore) Find(token string) ([]byte, bool, error) {
	return d.Store.Find(sessionDigest(token))
}

func (d digestStore) Commit(token string, b []byte, expiry time.Time) error {
	return d.Store.Commit(sessionDigest(token), b, expiry)
}

func (d digestStore) Delete(token string) error { return d.Store.Delete(sessionDigest(token)) }

// newSessions configures scs for staff and partner logins. Participants never log in; for
// them the session holds at most a flash message. Defaults of scs are not production-safe, so
// every cookie attribute is set here.
func newSessions(cfg config.Config, store scs.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = 12 * time.Hour
	// No sm.IdleTimeout: scs would then write the session back on every request to move its
	// deadline. authenticate keeps the idle limit itself and writes at most once a minute.
	sm.Cookie.Name = "session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	if cfg.Production() {
		// __Host- binds the cookie to this exact host over https, with no Domain attribute.
		sm.Cookie.Name = "__Host-session"
		sm.Cookie.Secure = true
	}
	return sm
}

// Serve runs srv on ln until ctx ends, then shuts down gracefully: in-flight requests get up
// to grace to finish.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// NewHTTPServer returns an http.Server with timeouts that protect against slow clients.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}
