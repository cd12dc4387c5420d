package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres/pgtest"
)

// Must show: a backup restored into a new database holds the same data, and the app starts on
// it and serves it.
func TestBackupRestoresIntoANewDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := pgtest.NewEmptyURL(t)
	env := map[string]string{"DATABASE_URL": src}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "up"}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed", "--demo"}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "backup.dump")
	if err := run(ctx, []string{"backup", "--out", file}, getenv, nil, &out); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 || st.Size() == 0 {
		t.Fatalf("backup file: %v %v", st, err)
	}
	// A second backup to the same file is refused rather than overwriting it.
	if err := run(ctx, []string{"backup", "--out", file}, getenv, nil, &out); err == nil {
		t.Error("a backup overwrote an existing file")
	}

	dst := pgtest.NewEmptyURL(t)
	env["DATABASE_URL"] = dst
	if err := run(ctx, []string{"restore", file}, getenv, nil, &out); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	// Restoring over data is refused.
	if err := run(ctx, []string{"restore", file}, getenv, nil, &out); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("a restore over data: %v", err)
	}
	counts := func(u string) string {
		conn, err := pgx.Connect(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var s string
		err = conn.QueryRow(ctx, `SELECT concat_ws(' ', (SELECT count(*) FROM groups), (SELECT count(*) FROM participants),
			(SELECT count(*) FROM booking_occurrences), (SELECT count(*) FROM users), (SELECT max(version_id) FROM goose_db_version))`).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := counts(src), counts(dst); a != b || a == "0 0 0 0 0" {
		t.Fatalf("the restored database differs: %s, original %s", b, a)
	}
	a := start(t, dst)
	for _, p := range []string{"/readyz", "/grupper"} {
		if got := status(t, a.url+p); got != http.StatusOK {
			t.Errorf("GET %s on the restored database = %d", p, got)
		}
	}
	a.shutdown(t)
}
