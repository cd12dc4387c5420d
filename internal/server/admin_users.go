package server

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/licences"
	"github.com/linkoslo/selvhjelpshuset/internal/mail"
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
	w.Header().Set("Cache-Control", "no-store") // key holders' names
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "admin.title"), pages.AdminHome(*currentUser(r), d))
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
	list, total, err := auth.NewStore(s.db).List(r.Context(), auth.ListFilter{Query: l.Query, Role: auth.Role(l.Role)}, perPage, offset(r))
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
	f.Errors = n.Validate()
	if !slices.Contains(invitableRoles(currentUser(r)), n.Role) {
		f.Errors.Add("role", "users.role.required")
	}
	var u auth.User
	err := error(nil)
	if f.Errors.OK() {
		err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
			var err error
			if u, err = auth.NewStore(tx).Create(ctx, n); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, actor(r), audit.Entry{Action: audit.UserInvited, Entity: "user", EntityID: u.ID,
				Details: map[string]any{"role": string(u.Role)}}); err != nil {
				return err
			}
			return s.sendInvitation(r, tx, u)
		})
	}
	if errors.Is(err, postgres.ErrConflict) {
		f.Errors.Add("email", "invite.taken")
	} else if errors.Is(err, postgres.ErrInvalid) {
		f.Errors.Add("org", "users.org.required") // the organisation chosen is gone
	} else if err != nil {
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

func (s *Server) sendInvitation(r *http.Request, tx pgx.Tx, u auth.User) error {
	ctx := r.Context()
	token, expires, err := auth.NewStore(tx).IssueLink(ctx, u.ID, auth.Invitation, auth.InvitationTTL)
	if err != nil {
		return err
	}
	msg := mail.Invitation(i18n.LangOf(ctx), u.Name, s.absURL("/invitasjon/"+token), expires)
	msg.To = u.Email
	_, err = s.outbox.Enqueue(ctx, tx, msg)
	return err
}

// userFromPath loads the user named in the URL; it answers 404 itself when there is none.
func (s *Server) userFromPath(w http.ResponseWriter, r *http.Request) (auth.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return auth.User{}, false
	}
	u, err := auth.NewStore(s.db).Get(r.Context(), id)
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

// userAction runs change on the user named in the URL in one transaction with its audit
// entry, then goes back to the user's page with a flash message.
func (s *Server) userAction(action, flash string, change func(r *http.Request, tx pgx.Tx, u auth.User) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.userFromPath(w, r)
		if !ok || !s.parseForm(w, r) {
			return
		}
		ctx := r.Context()
		err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
			if err := change(r, tx, u); err != nil {
				return err
			}
			e := audit.Entry{Action: action, Entity: "user", EntityID: u.ID}
			// Only a role change has a role to record, and by now the store has checked it: the
			// other actions would put whatever was posted in the audit log.
			if role := r.PostFormValue("role"); role != "" && action == audit.UserRoleChanged {
				e.Details = map[string]any{"from": string(u.Role), "to": role}
			}
			return audit.Record(ctx, tx, actor(r), e)
		})
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

func changeRole(r *http.Request, tx pgx.Tx, u auth.User) error {
	orgID, _ := strconv.ParseInt(r.PostFormValue("org"), 10, 64)
	return auth.NewStore(tx).SetRole(r.Context(), u.ID, auth.Role(r.PostFormValue("role")), orgID)
}

// setDisabled refuses to let an admin lock themselves out.
func setDisabled(disabled bool) func(r *http.Request, tx pgx.Tx, u auth.User) error {
	return func(r *http.Request, tx pgx.Tx, u auth.User) error {
		if disabled && u.ID == currentUser(r).ID {
			var e validate.Errors
			e.Add("role", "users.disable.self")
			return e
		}
		return auth.NewStore(tx).SetDisabled(r.Context(), u.ID, disabled)
	}
}

func resetTwoFactor(r *http.Request, tx pgx.Tx, u auth.User) error {
	return auth.NewStore(tx).ResetTwoFactor(r.Context(), u.ID)
}

func (s *Server) resendInvitation(r *http.Request, tx pgx.Tx, u auth.User) error {
	if u.Active() || u.Disabled {
		var e validate.Errors
		e.Add("role", "users.resend.notInvited")
		return e
	}
	return s.sendInvitation(r, tx, u)
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
						p.Colleagues, p.ColleaguesTotal, err = auth.NewStore(s.db).List(ctx, auth.ListFilter{OrgID: *u.OrgID}, 20, 0)
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

// absURL makes a link for an e-mail from a path on this site.
func (s *Server) absURL(path string) string {
	u := *s.cfg.BaseURL
	ref, err := url.Parse(path)
	if err != nil {
		return u.String()
	}
	return u.ResolveReference(ref).String()
}
