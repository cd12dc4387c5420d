package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/orgs"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/rooms"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/components"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

func (s *Server) adminHome(w http.ResponseWriter, r *http.Request) {
	d, err := s.staffDashboard(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Groups whose standing booking does not follow their timetable, flagged where staff
	// start the day (one query; the group page says the same).
	mismatches, err := rooms.Mismatches(r.Context(), s.db, 0, s.now())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var body templ.Component = pages.AdminHome(*currentUser(r), d)
	if len(mismatches) > 0 {
		body = templ.Join(body, pages.TimetableMismatches(mismatches, true))
	}
	w.Header().Set("Cache-Control", "no-store") // key holders' names
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "admin.title"), body)
}

// perPage is the length of every paginated list.
const perPage = 25

// maxPage bounds ?side= so that a silly number is a page past the end, not an overflow.
const maxPage = 100_000

// pageNumber reads ?side=, 1 … maxPage.
func pageNumber(r *http.Request) int {
	page, _ := strconv.Atoi(r.URL.Query().Get("side"))
	return min(max(page, 1), maxPage)
}

// pager reads ?side= and returns the page and its offset; URL keeps the other parameters.
func pager(r *http.Request, total int) components.Pager {
	page := pageNumber(r)
	p := components.Pager{Page: max(page, 1), PerPage: perPage, Total: total}
	p.URL = func(n int) string {
		q := r.URL.Query()
		q.Set("side", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	return p
}

func offset(r *http.Request) int { return (pageNumber(r) - 1) * perPage }

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := pages.UserList{Query: q.Get("q"), Role: q.Get("rolle")}
	list, total, err := s.accounts().List(r.Context(), auth.ListFilter{Query: l.Query, Role: auth.Role(l.Role)}, perPage, offset(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	l.Users, l.Pager = list, pager(r, total)
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "users.title"), pages.Users(l))
}

// invitableRoles are the roles u may give: admins any, staff only partner users.
func invitableRoles(u *auth.User) []auth.Role {
	if u.Role == auth.Admin {
		return auth.Roles
	}
	return []auth.Role{auth.Partner}
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request) {
	f := pages.InviteForm{Role: string(auth.Partner)}
	f.OrgID, _ = strconv.ParseInt(r.URL.Query().Get("org"), 10, 64) // from the organisation's page
	s.renderInvite(w, r, http.StatusOK, f)
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, f pages.InviteForm) {
	list, err := orgs.NewStore(s.db).Options(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	f.Orgs, f.Roles = list, invitableRoles(currentUser(r))
	s.render(w, r, status, i18n.T(r.Context(), "invite.title"), pages.Invite(f))
}

// invite creates the account without a password, and sends the invitation link, in one
// transaction with its audit entry.
func (s *Server) invite(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	f := pages.InviteForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Role: r.PostFormValue("role"), OrgID: orgID}
	n := auth.NewUser{Email: f.Email, Name: f.Name, Role: auth.Role(f.Role), OrgID: orgID}
	u, err := s.accounts().Invite(ctx, s.outbox, n, invitableRoles(currentUser(r)), actor(r))
	switch {
	case errors.As(err, &f.Errors): // shown with the form below
	case errors.Is(err, postgres.ErrConflict):
		f.Errors.Add("email", "invite.taken")
	case errors.Is(err, postgres.ErrInvalid):
		f.Errors.Add("org", "users.org.required") // the organisation chosen is gone
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	if !f.Errors.OK() {
		s.renderInvite(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	s.flash(r, "invite.sent")
	if currentUser(r).Role == auth.Admin {
		http.Redirect(w, r, "/admin/brukere/"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// userFromPath loads the user named in the URL; it answers 404 itself when there is none.
func (s *Server) userFromPath(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return auth.User{}, false
	}
	u, err := s.accounts().Get(r.Context(), id)
	if err != nil {
		s.serverError(w, r, err)
		return u, false
	}
	return u, true
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	if u, ok := s.userFromPath(w, r); ok {
		s.renderUser(w, r, http.StatusOK, u, nil)
	}
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, u auth.User, errs validate.Errors) {
	list, err := orgs.NewStore(s.db).Options(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := pages.UserPage{User: u, Self: u.ID == currentUser(r).ID, Orgs: list, Errors: errs}
	s.render(w, r, status, u.Name, pages.UserDetail(p))
}

// userAction runs change, a use case of the account store that writes its own audit line,
// on the user named in the URL, then goes back to the user's page with a flash message.
func (s *Server) userAction(flash string, change func(r *http.Request, u auth.User) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.userFromPath(w, r)
		if !ok || !s.parseForm(w, r) {
			return
		}
		err := change(r, u)
		var errs validate.Errors
		if errors.Is(err, postgres.ErrInvalid) {
			errs.Add("org", "users.org.required")
			err = errs
		}
		if errors.As(err, &errs) {
			s.renderUser(w, r, http.StatusUnprocessableEntity, u, errs)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		s.flash(r, flash)
		http.Redirect(w, r, "/admin/brukere/"+strconv.FormatInt(u.ID, 10), http.StatusSeeOther)
	}
}

func (s *Server) changeRole(r *http.Request, u auth.User) error {
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	return s.accounts().ChangeRole(r.Context(), u, auth.Role(r.PostFormValue("role")), orgID, actor(r))
}

// setDisabled disables or enables the user; the store refuses to let an admin lock
// themselves out.
func (s *Server) setDisabled(disabled bool) func(r *http.Request, u auth.User) error {
	return func(r *http.Request, u auth.User) error {
		return s.accounts().SetDisabled(r.Context(), u.ID, disabled, actor(r))
	}
}

func (s *Server) resetTwoFactor(r *http.Request, u auth.User) error {
	return s.accounts().ResetTwoFactor(r.Context(), u.ID, actor(r))
}

func (s *Server) resendInvitation(r *http.Request, u auth.User) error {
	return s.accounts().ResendInvitation(r.Context(), s.outbox, u, actor(r))
}

// orgUsers is the partner's own organisation's accounts. The organisation comes from the
// logged-in user, never from the URL.
// partnerHome is the organisation's portal: a few of each kind of thing it has here, each
// with the way to the whole list. Every query is scoped to the user's own organisation.
func (s *Server) partnerHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := currentUser(r)
	p := pages.PartnerHomePage{User: *u, Now: s.now()}
	who := s.partnerWho(r)
	room := rooms.Requester{OrgID: *u.OrgID}
	store := s.licences()
	var total int
	var err error
	if p.Loans, _, err = store.Loans(ctx, &who, licences.LoansOpen, p.Now, 5, 0); err == nil {
		if _, p.LoanRequests, err = store.Requests(ctx, &who, licences.Pending, 0, 0); err == nil {
			if _, p.RoomRequests, err = s.rooms().Requests(ctx, &room, rooms.Pending, 0, 0); err == nil {
				if p.Meetings, _, err = s.rooms().Schedule(ctx, room, p.Now, 5, 0); err == nil {
					if p.Groups, total, err = groups.NewStore(s.db).OfOrg(ctx, *u.OrgID, perPage, offset(r)); err == nil {
						if p.Colleagues, p.ColleaguesTotal, err = auth.NewStore(s.db).List(ctx, auth.ListFilter{OrgID: *u.OrgID}, 20, 0); err == nil {
							p.Closed, err = s.closedPeriods(ctx, 0)
						}
					}
				}
			}
		}
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.GroupPager = pager(r, total)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, u.OrgName, pages.PartnerHome(p))
}
