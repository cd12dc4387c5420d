// Package counts keeps the anonymous yearly figures of the annual report (the yearly_counts
// table): how many signed up and from where, were placed, withdrew, asked to be deleted,
// answered an offer, came to an event. They are numbers without people, so they stay when the
// people behind them are deleted. Every counter in the app goes through Add; the benchmark data
// set of internal/demo alone writes its many years of figures in one statement.
package counts

import (
	"context"
	"fmt"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// Add adds n to the figure metric ("signups", "placed", "offer_expired" …), narrowed by key (a
// source, an event kind) or not (""), of year, on db: a caller passes its transaction, so the
// figure moves exactly when the change it counts commits. A figure that does not exist yet
// starts at n; concurrent adds to one figure all land.
func Add(ctx context.Context, db postgres.DBTX, year int, metric, key string, n int) error {
	_, err := db.Exec(ctx, `INSERT INTO yearly_counts (year, metric, key, count) VALUES ($1, $2, $3, $4)
		ON CONFLICT (year, metric, key) DO UPDATE SET count = yearly_counts.count + excluded.count`, year, metric, key, n)
	if err != nil {
		return fmt.Errorf("counts: add %s: %w", metric, postgres.MapError(err))
	}
	return nil
}

// Year is the year t falls in at the centre: a figure counted on New Year's Eve after 23.00
// UTC belongs to the new year, as the report reads it.
func Year(t time.Time) int { return t.In(tz.Oslo).Year() }
