package main

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// proxy is a TCP relay between the app and PostgreSQL that the test can cut and restore, to
// make the database disappear for the app without stopping the real server.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.down)
	return p
}

func (p *proxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.relay(c)
		}
	}()
}

func (p *proxy) relay(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, c, s)
	p.mu.Unlock()
	go func() { io.Copy(s, c); s.Close() }()
	io.Copy(c, s)
	c.Close()
}

// down refuses new connections and breaks every open one, as a database restart does.
func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) up(t *testing.T) {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(ln)
}

// With the database gone, /readyz answers 503 while the process keeps serving; when the
// database is back, /readyz answers 200 again without a restart.
func TestReadinessFollowsTheDatabase(t *testing.T) {
	db, err := url.Parse(pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, db.Host)
	viaProxy := *db
	viaProxy.Host = p.addr
	a := start(t, viaProxy.String())

	if got := status(t, a.url+"/readyz"); got != http.StatusOK {
		t.Fatalf("readyz with database = %d", got)
	}
	p.down()
	for i := 0; i < 2; i++ { // the first call may find a broken pooled connection, the second a refused one
		if got := status(t, a.url+"/readyz"); got != http.StatusServiceUnavailable {
			t.Errorf("readyz without database (call %d) = %d, want 503", i+1, got)
		}
	}
	if got := status(t, a.url+"/healthz"); got != http.StatusOK {
		t.Errorf("healthz without database = %d: the process must keep serving", got)
	}
	// The home page lists themes from the database: without it, the friendly 503 page.
	if got := status(t, a.url+"/"); got != http.StatusServiceUnavailable {
		t.Errorf("home without database = %d, want 503\n%s", got, a.out)
	}
	p.up(t)
	if got := status(t, a.url+"/readyz"); got != http.StatusOK {
		t.Errorf("readyz after the database returned = %d, want 200", got)
	}
}
