package server

import "net/http"

// The key register: keys and cards to the rooms, handed out and returned. (Being built:
// these answer 501 until then.)

func (s *Server) keysNotYet(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotImplemented)
}

func (s *Server) keyList(w http.ResponseWriter, r *http.Request)    { s.keysNotYet(w, r) }
func (s *Server) newKeyPage(w http.ResponseWriter, r *http.Request) { s.keysNotYet(w, r) }
func (s *Server) createKey(w http.ResponseWriter, r *http.Request)  { s.keysNotYet(w, r) }
func (s *Server) keyPage(w http.ResponseWriter, r *http.Request)    { s.keysNotYet(w, r) }
func (s *Server) handOutKey(w http.ResponseWriter, r *http.Request) { s.keysNotYet(w, r) }
func (s *Server) returnKey(w http.ResponseWriter, r *http.Request)  { s.keysNotYet(w, r) }
func (s *Server) keyAudit(w http.ResponseWriter, r *http.Request)   { s.keysNotYet(w, r) }
