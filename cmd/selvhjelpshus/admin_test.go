package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

var adminLine = regexp.MustCompile(`Admin listener \(metrics, pprof\) on (http://\S+)`)

func getBody(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeAdminListener(t *testing.T) {
	t.Parallel()
	a := start(t, pgtest.NewURL(t), "ADMIN_ADDR", "127.0.0.1:0")
	m := adminLine.FindStringSubmatch(a.out.String())
	if m == nil {
		t.Fatalf("serve did not tell the admin address:\n%s", a.out)
	}
	admin := m[1]
	if admin == a.url {
		t.Fatalf("admin listener on the public address %s", admin)
	}
	if got := status(t, a.url+"/grupper"); got != http.StatusOK {
		t.Fatalf("GET /grupper = %d", got)
	}
	code, metrics := getBody(t, admin+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("admin GET /metrics = %d", code)
	}
	for _, want := range []string{`http_requests_total{code="200",method="GET",route="/grupper"} 1`,
		"db_pool_max_connections ", "outbox_unsent_messages 0", "go_goroutines "} {
		if !strings.Contains(metrics, want) {
			t.Errorf("admin /metrics lacks %q", want)
		}
	}
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/heap?debug=1", "/debug/pprof/goroutine?debug=1"} {
		if code, _ := getBody(t, admin+p); code != http.StatusOK {
			t.Errorf("admin GET %s = %d", p, code)
		}
	}
	for _, p := range []string{"/metrics", "/debug/pprof/"} {
		if got := status(t, a.url+p); got != http.StatusNotFound {
			t.Errorf("public GET %s = %d, want 404", p, got)
		}
	}
	a.shutdown(t)
	if _, err := http.Get(admin + "/metrics"); err == nil {
		t.Error("the admin listener still answers after shutdown")
	}
}

func TestServeWithoutAdminAddrHasNoAdminListener(t *testing.T) {
	t.Parallel()
	a := start(t, pgtest.NewURL(t))
	if strings.Contains(a.out.String(), "Admin listener") {
		t.Errorf("an admin listener started without ADMIN_ADDR:\n%s", a.out)
	}
}

func TestServeRefusesPublicAdminAddr(t *testing.T) {
	t.Parallel()
	env := map[string]string{"DATABASE_URL": "postgres://unused", "ADMIN_ADDR": "0.0.0.0:9090"}
	err := run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ADMIN_ADDR must be on loopback") {
		t.Errorf("serve with a public ADMIN_ADDR: %v", err)
	}
}
