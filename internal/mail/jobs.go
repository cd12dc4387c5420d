package mail

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// KindConfirm is the mail that asks the owner of an address typed into an open form to
// confirm the request (a sign-up, an event sign-up) before anything about them is stored.
const KindConfirm Kind = "confirm"

// Queue inserts the job args on tx through the outbox's River client (or, for a nil client,
// the client running the current job), for a feature whose request hands its work to a job.
func (o *Outbox) Queue(ctx context.Context, tx pgx.Tx, args river.JobArgs) error {
	if o == nil {
		return ErrNoOutbox
	}
	client, err := o.riverClient(ctx)
	if err != nil {
		return err
	}
	if _, err := client.InsertTx(ctx, tx, args, nil); err != nil {
		return fmt.Errorf("mail: queue %s: %w", args.Kind(), err)
	}
	return nil
}
