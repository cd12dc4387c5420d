package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/browsertest"
)

// Must show (issue 18): staff send offers from matching to a person who asked to be phoned
// and one who waits for another after the call; both appear on the call list (axe-core finds
// no violation, also with an error shown), a note that is too long is refused next to its
// field and kept, no answer is noted, and the answers given on the phone are recorded: one
// becomes a member, the other (asked first) waits again.
func TestCallListInTheBrowser(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	_, groupID := app.catalogueFixture(t)
	ola := app.signUpToBePhoned(t, "Ola", "ola@example.org", "+4791234567")
	liv := app.signUpToBePhoned(t, "Liv", "liv@example.org", "+4791234568")
	staff := browsertest.New(t).NewTab(t)
	loginIn(t, staff, app.URL, p.staff.Email)

	got := staff.Go(t, app.URL+"/admin/matching")
	if !strings.Contains(got.Text, "Ola") || !strings.Contains(got.Text, "Ring meg") {
		t.Fatalf("the matching page: %s", got.Text)
	}
	got = staff.Click(t, "form[action='/admin/matching/tilbud'] button[type=submit]")
	if !strings.Contains(got.Text, "2 tilbud er satt på ringelista") {
		t.Fatalf("after sending: %s", got.Text)
	}
	offer := func(signup int64) int64 {
		return int64(app.count(t, `SELECT id FROM offers WHERE signup_id = $1 AND group_id = $2`, signup, groupID))
	}
	olaOffer, livOffer := itoa(offer(ola)), offer(liv)

	got = staff.Go(t, app.URL+"/admin/ringeliste")
	for _, want := range []string{"Ola", "Liv", "91 23 45 67", "Sorggruppe tirsdag", "Ikke ringt ennå"} {
		if !strings.Contains(got.Text, want) {
			t.Fatalf("the call list lacks %q: %s", want, got.Text)
		}
	}
	form := "form[action='/admin/ringeliste/" + olaOffer + "'] "
	staff.SetValue(t, "notat-"+olaOffer, strings.Repeat("x", 501))
	got = staff.Click(t, form+"button[value='ikke-svar']", browsertest.Status(http.StatusUnprocessableEntity))
	if !strings.Contains(got.Text, "Notatet kan være på høyst 500 tegn.") {
		t.Fatalf("a long note: %s", got.Text)
	}
	if kept := staff.Eval(t, `document.getElementById("felt-notat").value.length.toString()`); kept != "501" {
		t.Errorf("the note was not kept: %s characters", kept)
	}
	staff.Fill(t, "felt-notat", "Prøv etter kl. 16")
	got = staff.Click(t, form+"button[value='ikke-svar']")
	if !strings.Contains(got.Text, "Forsøket er notert") || !strings.Contains(got.Text, "Ringt uten svar") {
		t.Fatalf("after no answer: %s", got.Text)
	}
	got = staff.Click(t, form+"button[value='ja']")
	if !strings.Contains(got.Text, "personen er med i gruppa") || strings.Contains(got.Text, "Ola") {
		t.Fatalf("after yes: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM memberships WHERE signup_id = $1 AND left_at IS NULL`, ola); n != 1 {
		t.Error("Ola is no member")
	}

	// "No thanks, wait for another" asks first.
	form = "form[action='/admin/ringeliste/" + itoa(livOffer) + "'] "
	staff.Press(t, form+"details:first-of-type summary")
	got = staff.Click(t, form+"button[value='vent']")
	if !strings.Contains(got.Text, "står på ventelista igjen") || !strings.Contains(got.Text, "Ingen å ringe nå.") {
		t.Fatalf("after no thanks, wait: %s", got.Text)
	}
	if n := app.count(t, `SELECT count(*) FROM offers WHERE id = $1 AND status = 'declined'`, livOffer); n != 1 {
		t.Error("Liv's offer is not declined")
	}
}
