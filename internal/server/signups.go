package server

import "net/http"

// Sign-up pages: the form for a group or a theme, the private "My sign-ups" pages, and the
// staff's waiting list and participant pages. (Being built: these answer 501 until then.)

func (s *Server) signupGroupPage(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }
func (s *Server) signupGroup(w http.ResponseWriter, r *http.Request)     { s.notYet(w, r) }
func (s *Server) signupThemePage(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }
func (s *Server) signupTheme(w http.ResponseWriter, r *http.Request)     { s.notYet(w, r) }
func (s *Server) signupThanks(w http.ResponseWriter, r *http.Request)    { s.notYet(w, r) }
func (s *Server) myLinkPage(w http.ResponseWriter, r *http.Request)      { s.notYet(w, r) }
func (s *Server) myLinkRequest(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) mySignups(w http.ResponseWriter, r *http.Request)       { s.notYet(w, r) }
func (s *Server) myUpdateSignup(w http.ResponseWriter, r *http.Request)  { s.notYet(w, r) }
func (s *Server) myWithdraw(w http.ResponseWriter, r *http.Request)      { s.notYet(w, r) }
func (s *Server) myData(w http.ResponseWriter, r *http.Request)          { s.notYet(w, r) }
func (s *Server) myDeletePage(w http.ResponseWriter, r *http.Request)    { s.notYet(w, r) }
func (s *Server) myDelete(w http.ResponseWriter, r *http.Request)        { s.notYet(w, r) }
func (s *Server) waitingList(w http.ResponseWriter, r *http.Request)     { s.notYet(w, r) }
func (s *Server) participant(w http.ResponseWriter, r *http.Request)     { s.notYet(w, r) }
func (s *Server) placeParticipant(w http.ResponseWriter, r *http.Request) {
	s.notYet(w, r)
}
func (s *Server) markLeft(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }

// signupRateLimit limits sign-up pages per client IP. (Being built.)
func (s *Server) signupRateLimit(next http.Handler) http.Handler { return next }
