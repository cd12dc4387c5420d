package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/demo"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
)

// seed adds the demo data (seed --demo) or the large benchmark data set (seed --large).
func seed(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stdout)
	withDemo := fs.Bool("demo", false, "add the demo data set")
	ifEmpty := fs.Bool("if-empty", false, "only when the database holds no such data yet (make run, make bench)")
	withLarge := fs.Bool("large", false, "add the large data set for performance runs (needs SECRET_KEY)")
	largeSeed := fs.Uint64("seed", 1, "with --large: picks the data; the same seed gives the same rows")
	largeScale := fs.Float64("scale", 1, "with --large: the size, 1 being the full one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *withDemo == *withLarge {
		return errors.New("usage: selvhjelpshus seed --demo | seed --large [--seed N] [--scale F]")
	}
	pool, err := openMigrated(ctx, getenv)
	if err != nil {
		return err
	}
	defer pool.Close()
	if *withLarge {
		// The licence passwords are sealed: under a key made up for this run they could never
		// be opened again, and the set cannot be loaded twice to fix that.
		cfg, err := config.Load(getenv)
		if err != nil {
			return err
		}
		if cfg.SecretGenerated {
			return errors.New("seed --large needs SECRET_KEY: the licence passwords are sealed with it")
		}
		ring, out, err := licenceSeeding(pool, cfg)
		if err != nil {
			return err
		}
		res, err := demo.SeedLarge(ctx, pool, demo.LargeOptions{Seed: *largeSeed, Scale: *largeScale, Keyring: ring, Outbox: out, Log: stdout})
		switch {
		case errors.Is(err, demo.ErrLargePresent) && *ifEmpty: // make bench, again
			fmt.Fprintln(stdout, "large data set: already loaded")
		case err != nil:
			return err
		default:
			fmt.Fprintf(stdout, "large data set: %s\n", res)
		}
	}
	empty := !*withLarge // the large set brings the demo data itself to an empty database
	if *ifEmpty && empty {
		if empty, err = demo.Empty(ctx, pool); err != nil {
			return err
		}
	}
	if empty {
		res, err := demo.Seed(ctx, pool)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo data: %s\n", res)
		if err := seedLicences(ctx, pool, getenv, stdout); err != nil {
			return err
		}
	}
	if ok, err := demo.HasAdmin(ctx, pool); err == nil && ok {
		fmt.Fprintf(stdout, "demo login: %s / %s\n", demo.AdminEmail, demo.DemoPassword)
	}
	return nil
}

// seedLicences adds the demo licences, sealed under SECRET_KEY. Without SECRET_KEY a key would
// be made up for this run only, and the passwords could never be opened again: then the
// licences are left out, with a line saying why.
func seedLicences(ctx context.Context, pool *pgxpool.Pool, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.SecretGenerated {
		fmt.Fprintln(stdout, "demo licences left out: set SECRET_KEY to seed them (make run does)")
		return nil
	}
	ring, out, err := licenceSeeding(pool, cfg)
	if err != nil {
		return err
	}
	n, err := demo.SeedLicences(ctx, pool, ring, out, time.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(stdout, "demo licences: %d\n", n)
	}
	return nil
}

// licenceSeeding is what seeding licences needs: the keyring that seals their passwords under
// SECRET_KEY, and an outbox for the demo's mail (the answer to its approved licence request),
// whose River client is never started here: serve's job runner delivers it.
func licenceSeeding(pool *pgxpool.Pool, cfg config.Config) (*secrets.Keyring, *mail.Outbox, error) {
	ring, err := secrets.NewKeyring("licence", cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, nil, err
	}
	seal, err := mail.NewSeal(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return nil, nil, err
	}
	quiet := slog.New(slog.DiscardHandler)
	client, err := mail.NewClient(pool, mail.Config{Sender: mail.NewDevSender(quiet), Seal: seal, Domain: cfg.BaseURL.Hostname(), Logger: quiet})
	if err != nil {
		return nil, nil, err
	}
	return ring, mail.NewOutbox(client, cfg.BaseURL, seal), nil
}
