package server

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	"github.com/linkoslo/selvhjelpshuset/web"
)

// static serves the embedded files under their content-hashed names. A hashed name never
// changes content, so it may be cached for a year; a revalidation with the matching ETag
// gets 304.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.Lookup(strings.TrimPrefix(r.URL.Path, web.StaticPrefix))
	if !ok {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Type", f.ContentType)
	h.Set("ETag", f.ETag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.Body))
}
