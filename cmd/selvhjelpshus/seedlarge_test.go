package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// seed --large migrates a new database, brings the demo data, loads a small large set and
// refuses a second load; without SECRET_KEY it loads nothing.
func TestSeedLarge(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmptyURL(t)
	key := base64.StdEncoding.EncodeToString([]byte("demo seed secret key of 32 bytes"))
	env := map[string]string{"DATABASE_URL": db}
	getenv := func(k string) string { return env[k] }
	args := []string{"seed", "--large", "--seed", "3", "--scale", "0.005"}
	if err := run(context.Background(), args, getenv, nil, io.Discard); err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Errorf("without SECRET_KEY: %v", err)
	}
	env["SECRET_KEY"] = key
	var out bytes.Buffer
	if err := run(context.Background(), args, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"10 group(s)", "500 participant(s)", "5000 occurrence(s)", "100 loan(s)", "25 event(s)", "demo login:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if err := run(context.Background(), args, getenv, nil, io.Discard); !errors.Is(err, demo.ErrLargePresent) {
		t.Errorf("a second load: %v; want ErrLargePresent", err)
	}
	out.Reset()
	if err := run(context.Background(), append(args, "--if-empty"), getenv, nil, &out); err != nil || !strings.Contains(out.String(), "already loaded") {
		t.Errorf("a second load with --if-empty: %v\n%s", err, out.String())
	}
}
