// Package web holds what the browser gets: templ components and pages, and the static files
// embedded in the binary. Static files are served under content-hashed names so they can be
// cached for a year; Assets maps a plain name ("css/app.css") to its hashed URL.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
)

//go:embed static
var static embed.FS

// StaticPrefix is the URL path under which hashed static files are served.
const StaticPrefix = "/static/"

// Asset is one static file, ready to serve.
type Asset struct {
	Body        []byte
	ContentType string
	ETag        string // strong validator: the content hash, quoted
}

// Assets is the manifest of static files: plain names to hashed names and hashed names to
// content. It is immutable after NewAssets, so it is safe for concurrent use.
type Assets struct {
	urls   map[string]string // "css/app.css" → "/static/css/app.0123456789.css"
	byPath map[string]Asset  // "css/app.0123456789.css" → content
}

var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)`)

// NewAssets reads every embedded static file, rewrites relative url(…) references in CSS to
// the hashed names, and hashes each file. Files other than CSS are hashed first so that CSS
// can point at their final names.
func NewAssets() (*Assets, error) {
	a := &Assets{urls: map[string]string{}, byPath: map[string]Asset{}}
	var css []string
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !served(p) {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		if path.Ext(name) == ".css" {
			css = append(css, name)
			return nil
		}
		body, err := static.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(name, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	sort.Strings(css)
	for _, name := range css {
		body, err := static.ReadFile("static/" + name)
		if err != nil {
			return nil, fmt.Errorf("static files: %w", err)
		}
		a.add(name, a.rewriteCSS(name, body))
	}
	return a, nil
}

// served leaves licences and notes out of the public set.
func served(p string) bool {
	base := path.Base(p)
	return !strings.HasPrefix(base, "LICENSE") && path.Ext(base) != ".md"
}

func (a *Assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:5])
	ext := path.Ext(name)
	hashed := strings.TrimSuffix(name, ext) + "." + hash + ext
	ctype := mime.TypeByExtension(ext)
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	a.urls[name] = StaticPrefix + hashed
	a.byPath[hashed] = Asset{Body: body, ContentType: ctype, ETag: `"` + hash + `"`}
}

func (a *Assets) rewriteCSS(name string, body []byte) []byte {
	dir := path.Dir(name)
	return cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		ref := string(cssURL.FindSubmatch(m)[2])
		if strings.Contains(ref, ":") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") {
			return m // data:, absolute and fragment references stay as they are
		}
		target := path.Clean(path.Join(dir, ref))
		u, ok := a.urls[target]
		if !ok {
			return m
		}
		return bytes.Join([][]byte{[]byte("url("), []byte(u), []byte(")")}, nil)
	})
}

// URL returns the hashed URL of a static file by its plain name. An unknown name is a
// programming error; it returns the plain path so the page still renders and the test of the
// page catches the 404.
func (a *Assets) URL(name string) string {
	if u, ok := a.urls[name]; ok {
		return u
	}
	return StaticPrefix + name
}

// Lookup returns the file served at a hashed path (without the /static/ prefix).
func (a *Assets) Lookup(hashed string) (Asset, bool) {
	f, ok := a.byPath[hashed]
	return f, ok
}
