package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/counts"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
)

// firstNames are common given names; with the .test addresses below they are nobody.
var firstNames = []string{"Anne", "Ole", "Ingrid", "Lars", "Kari", "Per", "Sofie", "Jonas", "Marte", "Emil",
	"Hanne", "Tor", "Nora", "Ali", "Fatima", "Sven", "Lise", "Erik", "Maja", "Jan", "Amina", "Kristian", "Ida", "Omar"}

var (
	demoFormats = [][]string{{"house"}, {"digital"}, {"house", "digital"}, {"house", "hybrid"}, {"digital", "hybrid", "house"}}
	demoParts   = []string{"morning", "afternoon", "evening"}
	demoAges    = []string{"", "18-29", "30-44", "45-59", "60-74", "75+"}
	demoSources = []string{"", "friend", "health", "nav", "web", "social", "org"}
)

// seedParticipants adds sixty waiting participants spread over the themes, with availability,
// age bands and waiting times from a few days to half a year. Most gave an e-mail address; some
// only a mobile number and want SMS, some want to be phoned (demoContact). Idempotent by e-mail
// or, for those without one, by number.
func seedParticipants(ctx context.Context, tx pgx.Tx) (int, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM themes ORDER BY id`)
	if err != nil {
		return 0, err
	}
	themes, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(themes) == 0 {
		return 0, err
	}
	added := 0
	for i := 0; i < 60; i++ {
		name := firstNames[i%len(firstNames)]
		email, phone, contact := demoContact(i, name)
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO participants (first_name, email, phone, contact, age_band, created_at)
			VALUES ($1, $2, $3, $4, $5, now() - make_interval(days => $6)) ON CONFLICT DO NOTHING RETURNING id`,
			name, email, phone, contact, demoAges[i%len(demoAges)], 3+i*3).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			continue
		}
		if err != nil {
			return added, fmt.Errorf("participant %d: %w", i, err)
		}
		avail := []string{fmt.Sprintf("%d-%s", i%5+1, demoParts[i%3]), fmt.Sprintf("%d-evening", (i+2)%7+1)}
		_, err = tx.Exec(ctx, `INSERT INTO signups (participant_id, theme_id, formats, availability, languages, source,
				consent_version, waiting_since, created_at)
			VALUES ($1, $2, $3, $4, '{nb}', $5, '2026-11-1', now() - make_interval(days => $6), now() - make_interval(days => $6))`,
			id, themes[i%len(themes)], demoFormats[i%len(demoFormats)], avail, demoSources[i%len(demoSources)], 3+i*3)
		if err != nil {
			return added, fmt.Errorf("sign-up %d: %w", i, err)
		}
		// Counted in the year it was made, as the sign-up form counts it (signups.addSignup).
		year := time.Now().In(tz.Oslo).AddDate(0, 0, -(3 + i*3)).Year()
		if err := counts.Add(ctx, tx, year, "signups", demoSources[i%len(demoSources)], 1); err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}

// demoContact is how demo participant i is reached: every seventh gave only a mobile number and
// wants SMS, every eleventh wants to be phoned; the rest gave an e-mail address. The numbers are
// made up and reach no one (a Norwegian number never begins with 0 after the country code), and
// the addresses are on the .test domain, which receives nothing.
func demoContact(i int, name string) (email, phone *string, contact string) {
	number := fmt.Sprintf("+4700000%03d", i+1)
	switch {
	case i%7 == 3:
		return nil, &number, "sms"
	case i%11 == 5:
		return nil, &number, "phone"
	}
	e := fmt.Sprintf("%s.%d@deltaker.demo.test", strings.ToLower(name), i+1)
	return &e, nil, "email"
}
