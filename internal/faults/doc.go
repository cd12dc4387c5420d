// Package faults holds the fault tests: the real binary and a PostgreSQL cluster of their
// own, run under load while the database restarts, the app is killed, the SMTP server goes
// away, or two instances share one database. They are behind the build tag faults, so that
// go test ./... leaves them out; run them with
//
//	go test -tags faults -count=1 -v ./internal/faults
//
// They need PostgreSQL's initdb and pg_ctl (on PATH or in /usr/lib/postgresql/*/bin) and
// start and stop everything they use themselves.
package faults
