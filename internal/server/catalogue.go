package server

import "net/http"

// Catalogue pages: the public catalogue, group and theme pages, the open data feed, and the
// staff pages for themes and groups. (Being built: these answer 501 until then.)

func (s *Server) notYet(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotImplemented)
}

func (s *Server) catalogue(w http.ResponseWriter, r *http.Request)     { s.notYet(w, r) }
func (s *Server) group(w http.ResponseWriter, r *http.Request)         { s.notYet(w, r) }
func (s *Server) themesPage(w http.ResponseWriter, r *http.Request)    { s.notYet(w, r) }
func (s *Server) theme(w http.ResponseWriter, r *http.Request)         { s.notYet(w, r) }
func (s *Server) groupsJSON(w http.ResponseWriter, r *http.Request)    { s.notYet(w, r) }
func (s *Server) adminThemes(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) newThemePage(w http.ResponseWriter, r *http.Request)  { s.notYet(w, r) }
func (s *Server) createTheme(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) editThemePage(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }
func (s *Server) updateTheme(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) adminGroups(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) newGroupPage(w http.ResponseWriter, r *http.Request)  { s.notYet(w, r) }
func (s *Server) createGroup(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) editGroupPage(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }
func (s *Server) updateGroup(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) setGroupStatus(w http.ResponseWriter, r *http.Request) {
	s.notYet(w, r)
}
func (s *Server) setGroupPublished(w http.ResponseWriter, r *http.Request) {
	s.notYet(w, r)
}
