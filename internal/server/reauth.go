package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/linkoslo/selvhjelpshuset/internal/audit"
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
	u := currentUser(r)
	users := auth.NewStore(s.db)
	keys := auth.ThrottleKeys(clientKey(r), u.Email)
	locked, retry, err := users.Locked(ctx, keys)
	if err != nil {
		return res, err
	}
	if locked {
		if err := audit.Record(ctx, s.db, actor(r), audit.Entry{Action: audit.LoginLocked, Entity: "user", EntityID: u.ID,
			Details: map[string]any{"step": "reauth"}}); err != nil {
			return res, err
		}
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.Seconds()+0.5)))
		res.Status = http.StatusTooManyRequests
		res.Errors.Add("password", "login.locked", "Count", max(int(retry.Round(time.Minute)/time.Minute), 1))
		return res, nil
	}
	if _, err := users.Authenticate(ctx, u.Email, password); errors.Is(err, auth.ErrBadCredentials) {
		if err := users.RecordFailure(ctx, keys); err != nil {
			return res, err
		}
		if err := audit.Record(ctx, s.db, actor(r), audit.Entry{Action: audit.LoginFailed, Entity: "user", EntityID: u.ID,
			Details: map[string]any{"step": "reauth"}}); err != nil {
			return res, err
		}
		res.Status = http.StatusUnprocessableEntity
		res.Errors.Add("password", "loans.reauth.wrong")
		return res, nil
	} else if err != nil {
		return res, err
	}
	if err := users.ClearFailures(ctx, u.Email); err != nil {
		return res, err
	}
	s.sessions.Put(ctx, sessAuthAt, s.now().Unix())
	return reauth{OK: true}, nil
}
