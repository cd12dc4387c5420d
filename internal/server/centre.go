package server

import (
	"errors"
	"net/http"

	"github.com/linkoslo/selvhjelpshuset/internal/centre"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// contact is the public contact page: phone, e-mail, visiting address, how to get in and the
// telephone hours, as admins set them.
func (s *Server) contact(w http.ResponseWriter, r *http.Request) {
	c, err := s.centreContact(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, i18n.T(r.Context(), "centre.title"), pages.Contact(c))
}

// saveContact saves the centre's contact details from the settings page; problems are shown
// next to their fields.
func (s *Server) saveContact(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := centre.Form{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Email: r.PostFormValue("email"),
		Address: r.PostFormValue("address"), Floor: r.PostFormValue("floor"),
		HowToGetIn: r.PostFormValue("how_to_get_in"), PhoneHours: r.PostFormValue("phone_hours")}
	err := s.accounts().SetContact(r.Context(), f, actor(r))
	var errs validate.Errors
	if errors.As(err, &errs) {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "centre.saved")
	http.Redirect(w, r, "/admin/innstillinger", http.StatusSeeOther)
}
