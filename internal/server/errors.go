package server

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// serverError is where every error a handler cannot answer itself ends. A row that does not
// exist (postgres.ErrNotFound) is the 404 page and no error in the log. Anything else is
// logged once, with the request id, and the visitor gets a friendly page. When the database
// is unreachable the answer is 503, so a restart of PostgreSQL shows the "short break" page
// rather than an error.
// statusClientGone is recorded for a request whose client went away before the answer.
const statusClientGone = 499

func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := middleware.GetReqID(r.Context())
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The visitor went away (closed the tab, lost the network) while we worked: nobody
		// reads an answer, and nothing is broken. 499 is nginx's name for it, kept out of the
		// 5xx count.
		s.log.Info("client went away", "id", id, "method", r.Method)
		w.WriteHeader(statusClientGone)
	case postgres.IsUnavailable(err):
		if postgres.IsOverloaded(err) {
			s.dbRefusedAt.Store(time.Now().UnixNano())
		}
		s.log.Warn("database unavailable", "id", id, "error", err)
		w.Header().Set("Retry-After", "30")
		s.renderError(w, r, http.StatusServiceUnavailable)
	default:
		var uid int64
		if u := currentUser(r); u != nil {
			uid = u.ID
		}
		s.log.Error("server error", "id", id, "user", uid, "method", r.Method, "error", err)
		s.renderError(w, r, http.StatusInternalServerError)
	}
}

// renderError renders the friendly page for status in the full layout, with the menus. It
// does not touch the session, and a 5xx page does not read the database, so it works while
// the database is down.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int) {
	key := "errors." + strconv.Itoa(status)
	title := i18n.T(r.Context(), key+".title")
	if title == key+".title" {
		key = "errors.500"
		title = i18n.T(r.Context(), key+".title")
	}
	p := s.basePage(r, title)
	p.NoIndex = true
	addMenus(r, &p)   // the way on from a page that is not there
	if status < 500 { // the database answers: the footer names the centre's phone and e-mail
		p.Centre = s.footerContact(r)
	}
	s.renderPage(w, r, status, p, pages.ErrorPage(key+".title", key+".text"))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound)
}

// methodNotAllowed answers 405 with the Allow header RFC 9110 asks for: the methods the path
// does answer (HEAD wherever GET is).
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.Routes != nil {
		path := r.URL.RawPath
		if path == "" {
			path = r.URL.Path
		}
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
			if rctx.Routes.Match(chi.NewRouteContext(), m, path) ||
				(m == http.MethodHead && slices.Contains(allow, http.MethodGet)) {
				allow = append(allow, m)
			}
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
	}
	s.renderError(w, r, http.StatusMethodNotAllowed)
}

func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	s.serverError(w, r, err)
}

// parseForm parses the request body and answers a too large (413) or malformed (400) body
// itself; handlers return when it reports false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		// No form of ours takes control characters (but tab and line breaks) or bytes that
		// are not UTF-8; PostgreSQL refuses NUL and invalid UTF-8 outright. A value with one
		// is a bad request, not a 500.
		for key, values := range r.PostForm {
			if !plainText(key, false) {
				s.renderError(w, r, http.StatusBadRequest)
				return false
			}
			for _, v := range values {
				if !plainText(v, true) {
					s.renderError(w, r, http.StatusBadRequest)
					return false
				}
			}
		}
		return true
	}
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		s.renderError(w, r, http.StatusRequestEntityTooLarge)
		return false
	}
	s.renderError(w, r, http.StatusBadRequest)
	return false
}

// plainText reports whether v is valid UTF-8 without control characters; lines allows tab
// and line breaks, as a text area sends them.
func plainText(v string, lines bool) bool {
	return utf8.ValidString(v) && !strings.ContainsFunc(v, func(c rune) bool {
		return c < 0x20 && !(lines && (c == '\t' || c == '\n' || c == '\r')) || c == 0x7f
	})
}

// formID reads the {id} of a form that creates (a route without {id}) or updates (with one).
// An {id} that is no number above zero names no row: it answers 404 itself rather than
// letting the form create a new row.
func (s *Server) formID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	raw := r.PathValue("id")
	if raw == "" {
		return 0, true
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return 0, false
	}
	return id, true
}

// queryID reads an id from the query; anything but a number (too large for one, say) is 0.
func queryID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	if err != nil {
		return 0
	}
	return id
}

// pathID reads the {id} of the path; anything but a number is 0, which no row has, so the
// store answers ErrNotFound and the page 404. Stores scope every id to what the visitor may
// see.
func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}
