package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/auth"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
)

// reauthAfter is how old a password check may be before a reveal of credentials asks for the
// password again.
const reauthAfter = 15 * time.Minute

// loginAge is how long ago the user last proved their password in this session; a session
// without the mark counts as infinitely old.
func (s *Server) loginAge(r *http.Request) time.Duration {
	at := s.sessions.GetInt64(r.Context(), sessAuthAt)
	if at == 0 {
		return time.Duration(1<<62 - 1)
	}
	return s.now().Sub(time.Unix(at, 0))
}

// reauth is the outcome of asking for the password again.
type reauth struct {
	OK     bool            // go on: the login is fresh, or the password was right
	Status int             // else: the status to answer with
	Errors validate.Errors // and the problem to show next to the password field
}

// confirmPassword checks the "password" of the form when the login is older than
// reauthAfter. It is throttled and audited like the login itself: failures count towards the
// lock-out, a locked account is told when to try again (429 with Retry-After) even with the
// right password, and a success clears the failures and renews the mark.
func (s *Server) confirmPassword(w http.ResponseWriter, r *http.Request) (reauth, error) {
	if s.loginAge(r) <= reauthAfter {
		return reauth{OK: true}, nil
	}
	ctx := r.Context()
	var res reauth
	password := r.PostFormValue("password")
	if password == "" {
		res.Status = http.StatusUnprocessableEntity
		if r.PostForm.Has("password") {
			res.Errors.Add("password", "login.password.required")
		}
		return res, nil
	}
	err := s.accounts().Reauthenticate(ctx, *currentUser(r), password, clientKey(r), actor(r))
	var locked *auth.LockedOut
	switch {
	case errors.As(err, &locked):
		w.Header().Set("Retry-After", strconv.Itoa(int(locked.Retry.Seconds()+0.5)))
		res.Status = http.StatusTooManyRequests
		res.Errors.Add("password", "login.locked", "Count", max(int(locked.Retry.Round(time.Minute)/time.Minute), 1))
		return res, nil
	case errors.Is(err, auth.ErrBadCredentials):
		res.Status = http.StatusUnprocessableEntity
		res.Errors.Add("password", "loans.reauth.wrong")
		return res, nil
	case err != nil:
		return res, err
	}
	s.sessions.Put(ctx, sessAuthAt, s.now().Unix())
	return reauth{OK: true}, nil
}
