// Command selvhjelpshus is the Selvhjelpshuset web app and its maintenance commands.
//
//	selvhjelpshus [serve]             run the web app (migrates the database first)
//	selvhjelpshus migrate up|down|status
//	selvhjelpshus seed --demo         add demo data (idempotent)
//	selvhjelpshus seed --large        add the large data set for make bench
//	selvhjelpshus user create --email E --name N --role R [--org O] [--password-stdin]
//	selvhjelpshus localdb [--name N]  print a URL to a local database, setting one up if needed
//	selvhjelpshus rotate-key          seal the licence secrets again under SECRET_KEY (old key in SECRET_KEY_PREVIOUS)
//	selvhjelpshus backup [--out FILE] write the database with pg_dump (default .data/backups/…)
//	selvhjelpshus restore FILE        load a backup into an empty DATABASE_URL
//	selvhjelpshus healthcheck         exit 0 when the instance on ADDR is ready (for containers)
//	selvhjelpshus version
//
// Settings come from the environment; see README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "selvhjelpshus:", err)
		os.Exit(1)
	}
}
