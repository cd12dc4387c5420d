package server

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/outreach"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// xlsxType is the media type of an XLSX workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// reportYear reads the year of the path: 2000 up to this year.
func (s *Server) reportYear(w http.ResponseWriter, r *http.Request) (int, bool) {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 2000 || year > s.now().Year() {
		s.notFound(w, r)
		return 0, false
	}
	return year, true
}

// reportPage is the annual report of a year; /admin/rapport goes to last year's.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	year, ok := s.reportYear(w, r)
	if !ok {
		return
	}
	intro, err := outreach.Intro(r.Context(), s.db, year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderReport(w, r, http.StatusOK, year, intro, nil)
}

// renderReport shows the report of year and, for staff, the form of its introduction holding
// intro (with errs when it did not save).
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status, year int, intro string, errs validate.Errors) {
	doc, err := s.annualReportHTML(r.Context(), year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	body := templ.Join(templ.Raw(doc), pages.ReportIntroForm(year, intro, errs))
	s.render(w, r, status, i18n.T(r.Context(), "report.title", "Year", year), body)
}

func (s *Server) reportLatest(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/admin/rapport/"+strconv.Itoa(s.now().Year()-1), http.StatusSeeOther)
}

// reportFile is one table of the report as CSV (/admin/rapport/2025/kilder.csv), or the
// whole report as XLSX (/admin/rapport/2025/arsmelding-2025.xlsx), for a spreadsheet in the
// visitor's language.
func (s *Server) reportFile(w http.ResponseWriter, r *http.Request) {
	year, ok := s.reportYear(w, r)
	if !ok {
		return
	}
	rep, err := s.annualReport(r.Context(), year)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	lang := i18n.LangOf(r.Context())
	name := r.PathValue("table")
	var buf bytes.Buffer
	if name == "arsmelding-"+strconv.Itoa(year)+".xlsx" {
		w.Header().Set("Content-Type", xlsxType)
		err = rep.WriteXLSX(&buf, lang)
	} else {
		t, found := rep.Table(strings.TrimSuffix(name, ".csv"))
		if !found || !strings.HasSuffix(name, ".csv") {
			s.notFound(w, r)
			return
		}
		name = "arsmelding-" + strconv.Itoa(year) + "-" + t.ID + ".csv"
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = t.WriteCSV(&buf, lang)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, _ = buf.WriteTo(w)
}
