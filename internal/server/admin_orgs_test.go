package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Staff register an organisation with its agreement and contact, are told what is wrong next
// to each field without losing what they typed, cannot take a name twice, and find it again.
func TestStaffKeepTheRegisterOfOrganisations(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, nil)
	p := app.people(t)
	staff := app.client(t).login(p.staff.Email)
	bad := url.Values{"name": {""}, "kind": {"club"}, "agreement_signed": {"2026-05-01"}, "agreement_expires": {"2026-01-01"},
		"contact_email": {"ola@"}, "contact_phone": {"ring"}, "notes": {"Møtes i kjelleren"}}
	res, body := staff.post("/admin/organisasjoner/ny", bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form = %d", res.StatusCode)
	}
	for _, want := range []string{"Skriv navnet på organisasjonen.", "Velg hva slags organisasjon det er.",
		"Sluttdatoen må være etter at avtalen ble signert.", "Skriv e-postadressen slik", "Skriv et telefonnummer", "Møtes i kjelleren"} {
		if !strings.Contains(body, want) {
			t.Errorf("the form with errors lacks %q", want)
		}
	}
	good := url.Values{"name": {"Mental Helse Oslo"}, "kind": {"voluntary"}, "network_member": {"on"}, "agreement_signed": {"2026-01-15"},
		"agreement_expires": {"2026-12-31"}, "contact_name": {"Ola Kontakt"}, "contact_email": {"ola@example.no"}, "contact_phone": {"22 00 00 00"}}
	res, _ = staff.post("/admin/organisasjoner/ny", good)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/organisasjoner/") {
		t.Fatalf("create = %d %s", res.StatusCode, loc)
	}
	_, body = staff.get(loc)
	for _, want := range []string{"Organisasjonen er lagret.", "Går ut torsdag 31.12.2026", `value="+4722000000"`, "0 brukere har tilgang", "/admin/invitasjon?org="} {
		if !strings.Contains(body, want) {
			t.Errorf("the organisation's page lacks %q", want)
		}
	}
	if res, body = staff.post("/admin/organisasjoner/ny", good); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "finnes allerede") {
		t.Errorf("a taken name = %d", res.StatusCode)
	}
	good.Set("agreement_expires", "")
	good.Del("network_member")
	if res, _ = staff.post(loc, good); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update = %d", res.StatusCode)
	}
	_, body = staff.get("/admin/organisasjoner?q=helse")
	if !strings.Contains(body, "Mental Helse Oslo") || !strings.Contains(body, "Signert torsdag 15.01.2026, uten sluttdato") || strings.Contains(body, "Foreningen Alfa") {
		t.Errorf("search:\n%s", body)
	}
	if _, body = staff.get("/admin/organisasjoner?nettverk=on"); strings.Contains(body, "Mental Helse Oslo") {
		t.Error("the network filter shows an organisation that left the network")
	}
	if _, body = staff.get("/admin/invitasjon?org=" + strings.TrimPrefix(loc, "/admin/organisasjoner/")); !strings.Contains(body, "selected>Mental Helse Oslo") {
		t.Error("the invitation form does not preselect the organisation")
	}
	if res, _ = staff.post("/admin/organisasjoner/999999", good); res.StatusCode != http.StatusNotFound {
		t.Errorf("update a missing organisation = %d", res.StatusCode)
	}
}
