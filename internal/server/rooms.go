package server

import "net/http"

// Rooms and bookings. (Being built: these answer 501 until then.)

func (s *Server) roomsNotYet(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotImplemented)
}

func (s *Server) roomList(w http.ResponseWriter, r *http.Request) { s.roomsNotYet(w, r) }
func (s *Server) roomWeek(w http.ResponseWriter, r *http.Request) { s.roomsNotYet(w, r) }
func (s *Server) newBookingPage(w http.ResponseWriter, r *http.Request) {
	s.roomsNotYet(w, r)
}
func (s *Server) createBooking(w http.ResponseWriter, r *http.Request) { s.roomsNotYet(w, r) }
func (s *Server) bookingPage(w http.ResponseWriter, r *http.Request)   { s.roomsNotYet(w, r) }
func (s *Server) cancelOccurrence(w http.ResponseWriter, r *http.Request) {
	s.roomsNotYet(w, r)
}
