package signups

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

// Found is one person the staff search found: the first name, the contact shown only in part
// (the person's page shows the rest, and that view is audited), and where they stand.
type Found struct {
	ID        int64
	FirstName string
	Email     string // masked: "k…@example.org", or ""
	Phone     string // masked: "… 456", or ""
	Contact   string
	Waiting   int
	Offered   int
	Member    int
}

// MaxSearchWords bounds the words of a query: each one is a condition of its own.
const MaxSearchWords = 5

// Search finds participants by name, e-mail or phone for staff member by: one page of them,
// sorted by first name, and how many there are in all. A query that is a phone number in any
// form ("48 12 34 56", "+47 48123456", "0047 …") matches the digits of the numbers stored, in
// part or whole; any other query matches the name and the address, every word in part, blind
// to case and accents (desk_fold in the migration). Both read a trigram index. The search is
// recorded in the audit log with the number of hits, in the same transaction; the query text
// is not: it is itself a name, an address or a number, and the log outlives the people in it.
func (s *Store) Search(ctx context.Context, q string, limit, offset int, by audit.Actor) ([]Found, int, error) {
	where, args, kind := searchWhere(q)
	if where == "" {
		return nil, 0, nil
	}
	args = append(args, limit, offset)
	n := len(args)
	var list []Found
	total := 0
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT p.id, p.first_name, coalesce(p.email::text, ''), coalesce(p.phone, ''), p.contact,
				(SELECT count(*) FILTER (WHERE s.status = 'waiting') FROM signups s WHERE s.participant_id = p.id)::int,
				(SELECT count(*) FILTER (WHERE s.status = 'offered') FROM signups s WHERE s.participant_id = p.id)::int,
				(SELECT count(*) FROM memberships m WHERE m.participant_id = p.id AND m.left_at IS NULL)::int,
				count(*) OVER ()
			FROM participants p WHERE `+where+`
			ORDER BY p.first_name COLLATE "nb-NO-x-icu", p.id LIMIT $`+strconv.Itoa(n-1)+` OFFSET $`+strconv.Itoa(n), args...)
		if err != nil {
			return err
		}
		list, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Found, error) {
			var f Found
			err := r.Scan(&f.ID, &f.FirstName, &f.Email, &f.Phone, &f.Contact, &f.Waiting, &f.Offered, &f.Member, &total)
			f.Email, f.Phone = maskEmail(f.Email), maskPhone(f.Phone)
			return f, err
		})
		if err != nil {
			return err
		}
		if len(list) == 0 && offset > 0 {
			// A page past the end still counts the hits the query has.
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM participants p WHERE `+where, args[:n-2]...).Scan(&total); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, by, audit.Entry{Action: audit.ParticipantSearched, Entity: "participant",
			Details: map[string]any{"hits": total, "by": kind, "offset": offset}})
	})
	if err != nil {
		return nil, 0, fmt.Errorf("signups: search: %w", err)
	}
	return list, total, nil
}

// searchWhere turns q into the condition on participants p and its arguments, and says
// whether it searches by "phone" or by "text"; an empty query gives "".
func searchWhere(q string) (string, []any, string) {
	q = strings.TrimSpace(q)
	if digits, ok := phoneQuery(q); ok {
		var conds []string
		var args []any
		for _, d := range digits {
			args = append(args, "%"+d+"%")
			conds = append(conds, "p.phone_digits LIKE $"+strconv.Itoa(len(args)))
		}
		return "(" + strings.Join(conds, " OR ") + ")", args, "phone"
	}
	words := strings.Fields(q)
	if len(words) == 0 {
		return "", nil, ""
	}
	words = words[:min(len(words), MaxSearchWords)]
	conds := make([]string, len(words))
	args := make([]any, len(words))
	for i, w := range words {
		args[i] = "%" + likeEscape(w) + "%"
		conds[i] = "p.search_text LIKE desk_fold($" + strconv.Itoa(i+1) + ")"
	}
	return strings.Join(conds, " AND "), args, "text"
}

// phoneQuery reads q as (part of) a phone number: only digits and the characters people
// write numbers with, at least three digits. It returns the digit strings to look for: the
// digits as typed (a leading 00 dropped), and the whole number in E.164 form when q is one
// ("48 12 34 56" is +4748123456 as stored).
func phoneQuery(q string) ([]string, bool) {
	var b strings.Builder
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case strings.ContainsRune("+ -.()\u00a0", r):
		default:
			return nil, false
		}
	}
	digits := strings.TrimPrefix(b.String(), "00")
	if len(digits) < 3 {
		return nil, false
	}
	out := []string{digits}
	if n, err := sms.Normalize(q); err == nil && n[1:] != digits {
		out = append(out, n[1:])
	}
	return out, true
}

// likeEscape makes s match itself in a LIKE pattern.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// maskEmail keeps the first letter and the domain of an address.
func maskEmail(e string) string {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" {
		return ""
	}
	first := []rune(local)[0]
	return string(first) + "…@" + domain
}

// maskPhone keeps the last three digits of a number.
func maskPhone(p string) string {
	if len(p) < 3 {
		return ""
	}
	return "… " + p[len(p)-3:]
}
