package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Licence lending: the pool and the queue for staff, and the organisation's loans for
// partners. Credentials appear in HTML only on an explicit, audited reveal, never cached.

// licences is the licence store, with the licence keyring and the outbox for its answers.
func (s *Server) licences() *licences.Store { return licences.NewStore(s.db, s.licenceRing, s.outbox) }

func (s *Server) licenceList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := pages.LicenceListPage{Provider: q.Get("leverandor"), Status: q.Get("status")}
	if p.Provider != licences.Zoom && p.Provider != licences.Whereby {
		p.Provider = ""
	}
	if p.Status != licences.Active && p.Status != licences.Retired {
		p.Status = ""
	}
	store := s.licences()
	var total int
	var err error
	if p.Licences, total, err = store.List(ctx, p.Provider, p.Status, s.now(), perPage, offset(r)); err == nil {
		_, p.Pending, err = store.Requests(ctx, nil, licences.Pending, 0, 0)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(ctx, "licences.title"), pages.LicenceList(p))
}

func (s *Server) newLicencePage(w http.ResponseWriter, r *http.Request) {
	s.renderLicence(w, r, http.StatusOK, pages.LicenceFormPage{Form: licences.Form{Provider: licences.Zoom, Status: licences.Active}})
}

func (s *Server) licencePage(w http.ResponseWriter, r *http.Request) {
	l, err := s.licences().Get(r.Context(), pathID(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderLicence(w, r, http.StatusOK, pages.LicenceFormPage{ID: l.ID, Licence: l, Form: licences.FormOf(l)})
}

func (s *Server) renderLicence(w http.ResponseWriter, r *http.Request, status int, p pages.LicenceFormPage) {
	title := i18n.T(r.Context(), "licences.new")
	if p.ID != 0 {
		title = p.Licence.Label
	}
	p.Form.Secret = "" // a typed secret is never sent back
	s.render(w, r, status, title, pages.LicenceForm(p))
}

// saveLicence creates (no id) or updates a licence. A new secret on an update is the
// password change that lets the licence be revealed again after a return.
func (s *Server) saveLicence(w http.ResponseWriter, r *http.Request) {
	id, ok := s.formID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := s.licences()
	p := pages.LicenceFormPage{ID: id}
	if id != 0 {
		var err error
		if p.Licence, err = store.Get(ctx, id); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	v := r.PostFormValue
	p.Form = licences.Form{Provider: v("provider"), Label: v("label"), MaxParticipants: v("max_participants"), MaxMinutes: v("max_minutes"),
		AccountLogin: v("account_login"), Secret: v("secret"), Status: v("status"), Funding: v("funding"), Notes: v("notes")}
	var err error
	if id == 0 {
		id, err = store.Create(ctx, p.Form)
	} else {
		err = store.Update(ctx, id, p.Form, actor(r))
	}
	switch {
	case errors.As(err, &p.Errors):
		p.Form.Validate(p.ID == 0) // show the input trimmed
		s.renderLicence(w, r, http.StatusUnprocessableEntity, p)
	case err != nil:
		s.serverError(w, r, err)
	default:
		s.flash(r, "licences.saved")
		http.Redirect(w, r, "/admin/lisenser/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	}
}

// revealLicence shows staff a licence's credentials; every reveal is in the audit log.
func (s *Server) revealLicence(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	store := s.licences()
	l, err := store.Get(ctx, pathID(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ra, err := s.confirmPassword(w, r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ra.OK {
		s.renderLicence(w, r, ra.Status, pages.LicenceFormPage{ID: l.ID, Licence: l, Form: licences.FormOf(l), Reauth: true,
			ReauthErrors: ra.Errors, Email: currentUser(r).Email})
		return
	}
	secret, err := store.RevealForStaff(ctx, l.ID, actor(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderSecret(w, r, pages.SecretPage{Back: "/admin/lisenser/" + strconv.FormatInt(l.ID, 10), Provider: l.Provider, Label: l.Label,
		Login: l.AccountLogin, Secret: secret})
}

func (s *Server) renderSecret(w http.ResponseWriter, r *http.Request, p pages.SecretPage) {
	w.Header().Set("Cache-Control", "no-store")
	page := s.layout(r, p.Label)
	page.NoIndex = true
	s.renderPage(w, r, http.StatusOK, page, pages.LicenceSecret(p))
}

// Requests: the staff queue and decisions.

func (s *Server) loanRequests(w http.ResponseWriter, r *http.Request) {
	p := pages.AdminLoanRequestsPage{Status: r.URL.Query().Get("status")}
	switch p.Status {
	case "alle":
		p.Status = ""
	case licences.Approved, licences.Declined, licences.Withdrawn:
	default:
		p.Status = licences.Pending
	}
	var total int
	var err error
	if p.Requests, total, err = s.licences().Requests(r.Context(), nil, p.Status, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "loans.requests"), pages.AdminLoanRequests(p))
}

func (s *Server) loanRequest(w http.ResponseWriter, r *http.Request) {
	s.renderLoanRequest(w, r, http.StatusOK, pages.AdminLoanRequestPage{})
}

func (s *Server) renderLoanRequest(w http.ResponseWriter, r *http.Request, status int, p pages.AdminLoanRequestPage) {
	ctx := r.Context()
	store := s.licences()
	var err error
	if p.Request, err = store.GetRequest(ctx, nil, pathID(r)); err == nil && p.Request.Status == licences.Pending {
		if p.Options, err = store.Options(ctx, p.Request); err == nil {
			p.Unfit, err = store.Unfitting(ctx, p.Request)
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store") // the contact's details
	s.render(w, r, status, i18n.T(ctx, "loans.requests"), pages.AdminLoanRequest(p))
}

// decideLoan lends the chosen licence (approve) or declines with a reason; the store writes
// the answer mail and the audit line in the same transaction.
func (s *Server) decideLoan(approve bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		p := pages.AdminLoanRequestPage{Reason: strings.TrimSpace(r.PostFormValue("reason"))}
		p.Licence, _ = strconv.ParseInt(r.PostFormValue("licence"), 10, 64)
		_, _, err := s.licences().Decide(r.Context(), pathID(r), licences.Decision{Approve: approve, Licence: p.Licence, Reason: p.Reason}, actor(r))
		switch {
		case errors.As(err, &p.Errors):
			s.renderLoanRequest(w, r, http.StatusUnprocessableEntity, p)
			return
		case errors.Is(err, licences.ErrTaken):
			p.Errors.Add("licence", "loans.licence.taken")
		case errors.Is(err, licences.ErrUnsuitable):
			p.Errors.Add("licence", "loans.licence.unsuitable")
		case errors.Is(err, licences.ErrNotReturned):
			p.Errors.Add("licence", "loans.licence.notReturned")
		case errors.Is(err, licences.ErrPast):
			p.Errors.Add("licence", "loans.past")
		case errors.Is(err, licences.ErrDecided):
			s.flash(r, "request.alreadyDecided")
		case errors.Is(err, postgres.ErrNotFound):
			s.notFound(w, r)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		case approve:
			s.flash(r, "loans.approved")
		default:
			s.flash(r, "request.declined")
		}
		if !p.Errors.OK() {
			s.renderLoanRequest(w, r, http.StatusConflict, p)
			return
		}
		http.Redirect(w, r, "/admin/lisenser/foresporsler/"+strconv.FormatInt(pathID(r), 10), http.StatusSeeOther)
	}
}

// The request form, for partners and for staff on behalf of a group.

func (s *Server) partnerLoanRequestPage(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	s.renderLoanRequestForm(w, r, http.StatusOK, pages.LoanRequestPage{Action: "/partner/lisenser/ny", Back: "/partner/lisenser",
		Form: licences.RequestForm{Provider: licences.Zoom, ContactName: u.Name, ContactEmail: u.Email}})
}

func (s *Server) staffLoanRequestPage(w http.ResponseWriter, r *http.Request) {
	s.renderLoanRequestForm(w, r, http.StatusOK, pages.LoanRequestPage{Action: "/admin/lisenser/foresporsler/ny",
		Back: "/admin/lisenser/foresporsler", Form: licences.RequestForm{Provider: licences.Zoom}, Groups: []groups.Option{}})
}

func (s *Server) renderLoanRequestForm(w http.ResponseWriter, r *http.Request, status int, p pages.LoanRequestPage) {
	p.Max = s.cfg.LoanMaxMonths
	if p.Groups != nil {
		var err error
		if p.Groups, err = groups.NewStore(s.db).Options(r.Context()); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, status, i18n.T(r.Context(), "loans.request.title"), pages.LoanRequestForm(p))
}

// requestLoan records a request from a partner (forGroup false) or from staff for a group.
func (s *Server) requestLoan(forGroup bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.parseForm(w, r) {
			return
		}
		ctx := r.Context()
		u := currentUser(r)
		v := r.PostFormValue
		p := pages.LoanRequestPage{Action: "/partner/lisenser/ny", Back: "/partner/lisenser",
			Form: licences.RequestForm{Provider: v("provider"), First: v("first"), Last: v("last"), Purpose: v("purpose"),
				Participants: v("participants"), MeetingMinutes: v("meeting_minutes"), ContactName: v("contact_name"), ContactEmail: v("contact_email"), ContactPhone: v("contact_phone")}}
		who := licences.Requester{UserID: u.ID, Lang: string(i18n.LangOf(ctx))}
		if forGroup {
			p.Action, p.Back, p.Groups = "/admin/lisenser/foresporsler/ny", "/admin/lisenser/foresporsler", []groups.Option{}
			p.Group, _ = strconv.ParseInt(v("group"), 10, 64)
			who.GroupID = p.Group
		} else {
			who.OrgID = *u.OrgID
		}
		_, err := s.licences().Request(ctx, who, p.Form, s.cfg.LoanMaxMonths, s.now())
		switch {
		case errors.As(err, &p.Errors):
			p.Form.Validate(licences.Limits{}) // show the input trimmed; the errors are the store's
			s.renderLoanRequestForm(w, r, http.StatusUnprocessableEntity, p)
			return
		case err != nil:
			s.serverError(w, r, err)
			return
		}
		s.flash(r, "request.sentDone")
		if forGroup {
			http.Redirect(w, r, "/admin/lisenser/foresporsler", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/partner/lisenser", http.StatusSeeOther)
	}
}

// Loans: staff's list and the return.

func (s *Server) loanList(w http.ResponseWriter, r *http.Request) {
	p := pages.LoansPage{Show: r.URL.Query().Get("vis"), Now: s.now()}
	if p.Show != licences.LoansOverdue && p.Show != licences.LoansAll {
		p.Show = licences.LoansOpen
	}
	var total int
	var err error
	if p.Loans, total, err = s.licences().Loans(r.Context(), nil, p.Show, p.Now, perPage, offset(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Pager = pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "loans.title"), pages.AdminLoans(p))
}

// returnLoan marks the licence handed back; it then waits for a password change.
func (s *Server) returnLoan(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	if r.PostFormValue("confirm") != "1" {
		// Asked once: the loan ends today and the licence waits for a new password.
		n, err := s.licences().GetLoan(ctx, nil, pathID(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if !n.Open() {
			s.flash(r, "loans.return.already")
			http.Redirect(w, r, "/admin/lisenser/lan", http.StatusSeeOther)
			return
		}
		s.render(w, r, http.StatusOK, i18n.T(ctx, "loans.return.confirm.title", "Licence", n.Label), pages.ConfirmActionPage(pages.ConfirmAction{
			Title:  i18n.T(ctx, "loans.return.confirm.title", "Licence", n.Label),
			Lines:  []string{i18n.T(ctx, "loans.return.confirm.ends", "Borrower", n.Borrower), i18n.T(ctx, "loans.return.confirm.password")},
			Action: "/admin/lisenser/lan/" + strconv.FormatInt(n.ID, 10) + "/retur", Submit: i18n.T(ctx, "loans.return"), Back: "/admin/lisenser/lan",
		}))
		return
	}
	_, err := s.licences().Return(ctx, pathID(r), actor(r), s.now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "loans.returned")
	http.Redirect(w, r, "/admin/lisenser/lan", http.StatusSeeOther)
}

// The partner's side.

func (s *Server) partnerWho(r *http.Request) licences.Requester {
	u := currentUser(r)
	return licences.Requester{OrgID: *u.OrgID, UserID: u.ID, Lang: string(i18n.LangOf(r.Context()))}
}

func (s *Server) partnerLicences(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	who := s.partnerWho(r)
	p := pages.PartnerLicencesPage{Now: s.now()}
	store := s.licences()
	var total int
	var err error
	if p.Requests, total, err = store.Requests(ctx, &who, "", perPage, offset(r)); err == nil {
		p.Loans, _, err = store.Loans(ctx, &who, licences.LoansOpen, p.Now, 50, 0)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.RequestPager = pager(r, total)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, i18n.T(ctx, "loans.partner.title"), pages.PartnerLicences(p))
}

func (s *Server) partnerWithdrawLoan(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	err := s.licences().Withdraw(r.Context(), s.partnerWho(r), pathID(r))
	if err != nil {
		s.serverError(w, r, err) // another organisation's or a decided request: 404
		return
	}
	s.flash(r, "request.withdrawn")
	http.Redirect(w, r, "/partner/lisenser", http.StatusSeeOther)
}

func (s *Server) partnerLoan(w http.ResponseWriter, r *http.Request) {
	who := s.partnerWho(r)
	n, err := s.licences().GetLoan(r.Context(), &who, pathID(r))
	if err != nil {
		s.serverError(w, r, err) // not the organisation's: 404
		return
	}
	s.renderPartnerLoan(w, r, http.StatusOK, pages.PartnerLoanPage{Loan: n})
}

func (s *Server) renderPartnerLoan(w http.ResponseWriter, r *http.Request, status int, p pages.PartnerLoanPage) {
	p.Now, p.Email = s.now(), currentUser(r).Email
	p.Reauth = p.Reauth || s.loginAge(r) > reauthAfter // asked only when the loan's reveal state allows one
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, p.Loan.Label, pages.PartnerLoan(p))
}

// partnerReveal shows the borrower the credentials during the loan. A login older than a
// quarter of an hour must give the password again first (throttled like the login). Every
// reveal is in the audit log.
func (s *Server) partnerReveal(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	who := s.partnerWho(r)
	store := s.licences()
	n, err := store.GetLoan(ctx, &who, pathID(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ra, err := s.confirmPassword(w, r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !ra.OK {
		s.renderPartnerLoan(w, r, ra.Status, pages.PartnerLoanPage{Loan: n, Reauth: true, Errors: ra.Errors})
		return
	}
	n, secret, err := store.RevealForBorrower(ctx, who, n.ID, actor(r), s.now())
	switch {
	case errors.Is(err, licences.ErrNotNow), errors.Is(err, licences.ErrPasswordChange):
		s.renderPartnerLoan(w, r, http.StatusConflict, pages.PartnerLoanPage{Loan: n})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.renderSecret(w, r, pages.SecretPage{Back: "/partner/lisenser/lan/" + strconv.FormatInt(n.ID, 10), Provider: n.Provider, Label: n.Label,
		Login: n.AccountLogin, Secret: secret, Until: &n.Ends})
}
