package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/config"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
)

// rotateKey seals every licence secret, two-factor secret and outbox body again under the
// current SECRET_KEY (and seals the clear bodies of mail queued before bodies were sealed).
// Run it after
// replacing SECRET_KEY, with the old key in SECRET_KEY_PREVIOUS; once it has run, the old
// key can be dropped. Everything changes in one transaction, or nothing does.
func rotateKey(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.SecretGenerated {
		return errors.New("rotate-key needs SECRET_KEY: a generated key would seal the secrets under a key nobody keeps")
	}
	ring, err := secrets.NewKeyring("licence", cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return err
	}
	pool, err := openMigrated(ctx, getenv)
	if err != nil {
		return err
	}
	defer pool.Close()
	n, err := licences.Rotate(ctx, pool, ring)
	if errors.Is(err, secrets.ErrUnknownKey) {
		return fmt.Errorf("%w: list the key that sealed it in SECRET_KEY_PREVIOUS", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d licence secrets sealed again under key %s\n", n, ring.Current())
	seal, err := auth.NewSealer(cfg.Secret, "totp", cfg.PreviousSecrets...)
	if err != nil {
		return err
	}
	if n, err = auth.NewStore(pool).ResealTwoFactor(ctx, seal); err != nil {
		return fmt.Errorf("%w: list the key that sealed it in SECRET_KEY_PREVIOUS", err)
	}
	fmt.Fprintf(stdout, "%d two-factor secrets sealed again\n", n)
	outbox, err := mail.NewSeal(cfg.Secret, cfg.PreviousSecrets...)
	if err != nil {
		return err
	}
	n, err = mail.Reseal(ctx, pool, outbox)
	if errors.Is(err, secrets.ErrUnknownKey) {
		return fmt.Errorf("%w: list the key that sealed it in SECRET_KEY_PREVIOUS", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d outbox messages sealed again\n", n)
	return nil
}
