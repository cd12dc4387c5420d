package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/mail/mailtest"
	"github.com/linkoslo/selvhjelpshuset/internal/optin"
)

// signUp posts a public sign-up form (a group, a theme or an event) and, when it names an
// e-mail address, confirms it as the mailbox's owner does: opens the link in the newest mail
// to the address and presses the button. It returns the last response.
func (a *testApp) signUp(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	res, body := a.client(t).post(path, form)
	email := strings.TrimSpace(form.Get("email"))
	if res.StatusCode != http.StatusSeeOther || email == "" {
		return res, body
	}
	return a.confirmMail(t, email)
}

// confirmMail confirms the newest request mailed to email, as its owner does.
func (a *testApp) confirmMail(t *testing.T, email string) (*http.Response, string) {
	t.Helper()
	link := a.lastLink(t, email)
	if !strings.HasPrefix(link, "/bekreft/") {
		t.Fatalf("the newest mail to %s links %s, not a confirmation", email, link)
	}
	c := a.client(t)
	if res, body := c.get(link); res.StatusCode != http.StatusOK {
		t.Fatalf("confirmation page = %d\n%s", res.StatusCode, body)
	}
	return c.post(link, nil)
}

// workForms runs the jobs of the open forms' requests (new links, resets) waiting in the
// queue, as the job runner does; the test app's River client is not started.
func (a *testApp) workForms(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	rows, err := a.db.Query(ctx, `SELECT id FROM form_requests WHERE kind IN ('link', 'reset') AND done_at IS NULL AND payload IS NOT NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := a.srv.forms().Work(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
}

// raiseFormLimits lets one client send as many requests as a test needs.
func (a *testApp) raiseFormLimits() {
	a.srv.formLimits = optin.Limits{PerClient: 1 << 20, PerAddress: 1 << 20}
}

// mailLinks returns the path of the link in each mail to addr, oldest first.
func (a *testApp) mailLinks(t *testing.T, addr string) []string {
	t.Helper()
	var links []string
	for _, m := range mailtest.All(t, a.db) {
		if m.To != addr {
			continue
		}
		if l := linkIn.FindStringSubmatch(m.Text); l != nil {
			links = append(links, l[1])
		}
	}
	return links
}
