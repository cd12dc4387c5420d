package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The register of partner organisations (staff).

func (s *Server) adminOrgs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := pages.OrgList{Query: q.Get("q"), Network: q.Get("nettverk") == "on", Today: tz.Midnight(s.now())}
	var total int
	var err error
	if l.Orgs, total, err = orgs.NewStore(s.db).List(r.Context(), orgs.Filter{Query: l.Query, Network: l.Network}, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	l.Pager = pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "orgs.title"), pages.AdminOrgs(l))
}

func (s *Server) newOrgPage(w http.ResponseWriter, r *http.Request) {
	s.renderOrg(w, r, http.StatusOK, pages.OrgFormPage{Form: orgs.Form{Kind: string(orgs.Voluntary)}})
}

func (s *Server) editOrgPage(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	d, err := orgs.NewStore(s.db).Details(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderOrg(w, r, http.StatusOK, pages.OrgFormPage{ID: id, Org: d, Form: orgs.FormOf(d)})
}

func (s *Server) renderOrg(w http.ResponseWriter, r *http.Request, status int, p pages.OrgFormPage) {
	p.Today = tz.Midnight(s.now())
	title := i18n.T(r.Context(), "orgs.new")
	if p.ID != 0 {
		title = p.Org.Name
	}
	w.Header().Set("Cache-Control", "no-store") // a contact person's details
	s.render(w, r, status, title, pages.OrgForm(p))
}

// saveOrg creates (no id in the path) or updates an organisation.
func (s *Server) saveOrg(w http.ResponseWriter, r *http.Request) {
	id, ok := s.formID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := orgs.NewStore(s.db)
	p := pages.OrgFormPage{ID: id}
	if id != 0 {
		var err error
		if p.Org, err = store.Details(ctx, id); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	v := r.PostFormValue
	p.Form = orgs.Form{Name: v("name"), Kind: v("kind"), NetworkMember: v("network_member") == "on", AgreementSigned: v("agreement_signed"),
		AgreementExpires: v("agreement_expires"), ContactName: v("contact_name"), ContactEmail: v("contact_email"),
		ContactPhone: v("contact_phone"), Notes: v("notes")}
	saved, err := store.Save(ctx, id, p.Form)
	switch {
	case errors.As(err, &p.Errors):
		p.Form.Validate() // show the input trimmed, as it was checked
		s.renderOrg(w, r, http.StatusUnprocessableEntity, p)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.flash(r, "orgs.saved")
		http.Redirect(w, r, "/admin/organisasjoner/"+strconv.FormatInt(saved, 10), http.StatusSeeOther)
	}
}
