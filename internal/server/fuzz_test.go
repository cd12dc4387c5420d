package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// safeNext returns the path it was given or "/", and whatever it returns, a browser sent there
// (through http.Redirect, as the language switch does) stays on this site: no scheme, no host,
// no "//", "/\", tab or line break that a browser would read as the start of another host.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/grupper?tema=sorg", "/", "", "//evil.example", "/\\evil.example", "https://evil.example/", "/\t/evil.example",
		"/%2F%2Fevil.example", "/.//evil.example", "/..//evil.example", "javascript:alert(1)", "/a\\b", "/\x00", "/\r\nLocation: //evil",
		"\\\\evil.example", "/ /evil.example", "/\u3000/evil", "/@evil.example", "/?next=//evil.example", "///evil.example"} {
		f.Add(s)
	}
	site, _ := url.Parse("https://selvhjelpshuset.example/sprak")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: neither the path nor /", next, got)
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\") ||
			strings.ContainsFunc(got, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("safeNext(%q) = %q", next, got)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest(http.MethodPost, site.String(), nil), got, http.StatusSeeOther)
		loc := w.Header().Get("Location")
		u, err := url.Parse(loc)
		if err != nil {
			return // the browser cannot follow it either; it stays here
		}
		if to := site.ResolveReference(u); to.Scheme != site.Scheme || to.Host != site.Host || u.Host != "" || u.Scheme != "" {
			t.Errorf("safeNext(%q) = %q redirects to %q, off the site (%s)", next, got, loc, to)
		}
	})
}

// pageNumber reads ?side= as a page from 1 to maxPage, the number typed when it is one, so
// that offset never overflows or goes negative.
func FuzzPageNumber(f *testing.F) {
	for _, s := range []string{"1", "2", "0", "-1", "100000", "100001", "9223372036854775807", "9223372036854775808", "+3", "03", "1e3", "abc", "", "%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, side string) {
		r := httptest.NewRequest(http.MethodGet, "/admin/grupper", nil)
		r.URL.RawQuery = url.Values{"side": {side}}.Encode()
		page, off := pageNumber(r), offset(r)
		if page < 1 || page > maxPage || off != (page-1)*perPage || off < 0 {
			t.Fatalf("?side=%q: page %d, offset %d", side, page, off)
		}
		if n, err := strconv.Atoi(side); err == nil && n >= 1 && n <= maxPage && page != n {
			t.Errorf("?side=%q: page %d", side, page)
		}
	})
}
