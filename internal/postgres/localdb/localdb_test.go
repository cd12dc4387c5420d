package localdb

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// With no server on the system address, Ensure creates a private cluster, starts it on its own
// port, creates the database, and finds the running cluster again on the next call.
func TestPrivateClusterWhenNoServerAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	port := freePort(t)
	dir := filepath.Join(t.TempDir(), "postgres")
	if os.Geteuid() == 0 {
		// The cluster runs as the user postgres, which must be able to reach the directory.
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Dir(filepath.Dir(dir)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Database: "localdb_test", DataDir: dir, Port: port,
		System: "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=1"}
	t.Cleanup(func() {
		if err := Stop(context.Background(), dir); err != nil {
			t.Errorf("stop the private cluster: %v", err)
		}
	})
	u, err := Ensure(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, ":"+strconv.Itoa(port)+"/localdb_test") {
		t.Errorf("URL %q is not the private cluster's database", u)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var listen string
	if err := conn.QueryRow(ctx, "SHOW listen_addresses").Scan(&listen); err != nil || listen != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, %v: the private cluster must listen on loopback only", listen, err)
	}
	conn.Close(ctx)
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Errorf("no cluster in %s: %v", dir, err)
	}
	again, err := Ensure(ctx, opts)
	if err != nil || again != u {
		t.Errorf("second Ensure = %q, %v; want %q", again, err, u)
	}

	// A server that answers on the system address is used as it is: no cluster is made.
	unused := filepath.Join(t.TempDir(), "unused")
	viaSystem, err := Ensure(ctx, Options{Database: "other_db", DataDir: unused, Port: 1,
		System: "postgres://postgres@127.0.0.1:" + strconv.Itoa(port) + "/postgres?sslmode=disable"})
	if err != nil || !strings.Contains(viaSystem, ":"+strconv.Itoa(port)+"/other_db") {
		t.Errorf("Ensure with an answering system server = %q, %v", viaSystem, err)
	}
	if _, err := os.Stat(unused); !os.IsNotExist(err) {
		t.Errorf("a cluster was made although the system server answered: %v", err)
	}
}

func TestDatabaseNamesArePlain(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{"selvhjelpshus": true, "t_01": true, "": false, "a;DROP": false, "Big": false} {
		if validName(name) != ok {
			t.Errorf("validName(%q) = %v", name, !ok)
		}
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
