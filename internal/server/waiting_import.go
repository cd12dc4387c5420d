package server

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
	"github.com/linkoslo/selvhjelpshuset/internal/postgres"
	"github.com/linkoslo/selvhjelpshuset/internal/secrets"
	"github.com/linkoslo/selvhjelpshuset/internal/sheet"
	"github.com/linkoslo/selvhjelpshuset/internal/signups"
	"github.com/linkoslo/selvhjelpshuset/internal/tz"
	"github.com/linkoslo/selvhjelpshuset/internal/validate"
	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// Importing an existing waiting list (CSV or XLSX) and downloading the waiting list. The
// uploaded file is read in memory (never a temporary file) and its rows wait between the
// steps sealed in the database (signups.StageImport).

// importPath is where a file is uploaded: its body may be larger than other forms'.
const importPath = "/admin/venteliste/import"

// importBodyLimit is the largest upload body: the file and the multipart framing around it.
const importBodyLimit = sheet.MaxBytes + 64<<10

// importPerPage is the length of a page of the preview and the report.
const importPerPage = 50

// importRing seals the uploaded rows: a key of its own, derived from SECRET_KEY.
func (s *Server) importRing() (*secrets.Keyring, error) {
	return secrets.NewKeyring("import", s.cfg.Secret, s.cfg.PreviousSecrets...)
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.renderImportUpload(w, r, http.StatusOK, nil)
}

func (s *Server) renderImportUpload(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors) {
	ctx := r.Context()
	n, err := s.signups().CountUnconfirmed(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	page := s.layout(r, i18n.T(ctx, "import.title"))
	page.NoIndex = true
	s.renderPage(w, r, status, page, pages.ImportUpload(pages.ImportUploadPage{Errors: errs, Unconfirmed: n, MaxRows: sheet.MaxRows}))
}

// uploadImport reads the uploaded file (the part "fil") in memory and stages it.
func (s *Server) uploadImport(w http.ResponseWriter, r *http.Request) {
	name, data, errs := readUpload(r)
	if !errs.OK() {
		s.renderImportUpload(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	ring, err := s.importRing()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	id, err := s.signups().StageImport(r.Context(), name, data, ring, actor(r), s.now())
	if errors.As(err, &errs) {
		s.renderImportUpload(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, importPath+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// readUpload reads the multipart body part by part, keeping the file "fil" in memory only:
// net/http's ParseMultipartForm would put a large file in a temporary file on disk.
func readUpload(r *http.Request) (string, []byte, validate.Errors) {
	var errs validate.Errors
	mr, err := r.MultipartReader()
	if err != nil {
		errs.Add("fil", "import.file.required")
		return "", nil, errs
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			errs.Add("fil", "import.file.tooLarge")
			return "", nil, errs
		}
		if err != nil {
			errs.Add("fil", "import.file.damaged")
			return "", nil, errs
		}
		if part.FormName() != "fil" {
			continue
		}
		var buf bytes.Buffer
		n, err := io.Copy(&buf, io.LimitReader(part, sheet.MaxBytes+1))
		switch {
		case errors.As(err, &maxErr) || n > sheet.MaxBytes:
			errs.Add("fil", "import.file.tooLarge")
		case err != nil:
			errs.Add("fil", "import.file.damaged")
		case n == 0 || part.FileName() == "":
			errs.Add("fil", "import.file.required")
		}
		if !errs.OK() {
			return "", nil, errs
		}
		return path.Base(strings.ReplaceAll(part.FileName(), `\`, "/")), buf.Bytes(), nil
	}
	errs.Add("fil", "import.file.required")
	return "", nil, errs
}

// importPreview shows a staged file: its columns to map, then every row with its problems
// (?vis=feil: only those), a page at a time; after the import, the report.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	s.renderImportPreview(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderImportPreview(w http.ResponseWriter, r *http.Request, status int, errs validate.Errors, mapping []string) {
	ctx := r.Context()
	ring, err := s.importRing()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p, err := s.signups().ImportPreview(ctx, pathID(r), ring, actor(r), s.now())
	if errors.Is(err, postgres.ErrNotFound) {
		s.importGone(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if mapping != nil {
		p.Mapping = mapping // as chosen, with its errors
	}
	onlyBad := r.URL.Query().Get("vis") == "feil"
	rows := p.Rows
	if onlyBad {
		rows = p.Problems()
	}
	pg := pager(r, len(rows))
	pg.PerPage = importPerPage
	pg.URL = func(n int) string { // the page's own address, also when a POST shows it again
		u := importPath + "/" + strconv.FormatInt(p.ID, 10) + "?side=" + strconv.Itoa(n)
		if onlyBad {
			u += "&vis=feil"
		}
		return u
	}
	from := min((pg.Page-1)*importPerPage, len(rows))
	v := pages.ImportPreviewPage{Preview: p, Rows: rows[from:min(from+importPerPage, len(rows))], OnlyBad: onlyBad, Pager: pg, Errors: errs}
	title := i18n.T(ctx, "import.preview.title")
	if p.ImportedAt != nil {
		title = i18n.T(ctx, "import.report.title")
	}
	page := s.layout(r, title)
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, status, page, pages.ImportPreviewView(v))
}

// importGone answers for a batch that expired, was imported (for a form of the preview), was
// someone else's, or never was: 404, with the upload form and why.
func (s *Server) importGone(w http.ResponseWriter, r *http.Request) {
	var errs validate.Errors
	errs.Add("fil", "import.gone")
	s.renderImportUpload(w, r, http.StatusNotFound, errs)
}

// saveImportMapping stores which field each column fills (kol-0, kol-1 …).
func (s *Server) saveImportMapping(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	columns, _ := strconv.Atoi(r.PostFormValue("kolonner"))
	columns = min(max(columns, 0), sheet.MaxColumns)
	mapping := make([]string, columns)
	for i := range mapping {
		mapping[i] = r.PostFormValue("kol-" + strconv.Itoa(i))
	}
	id := pathID(r)
	err := s.signups().SetImportMapping(r.Context(), id, mapping, actor(r))
	var errs validate.Errors
	switch {
	case errors.As(err, &errs):
		s.renderImportPreview(w, r, http.StatusUnprocessableEntity, errs, mapping)
		return
	case errors.Is(err, postgres.ErrNotFound), errors.Is(err, postgres.ErrInvalid):
		s.importGone(w, r)
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "import.mapping.saved")
	http.Redirect(w, r, importPath+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}

// runImport imports the good rows and shows the report.
func (s *Server) runImport(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ring, err := s.importRing()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	id := pathID(r)
	_, err = s.signups().RunImport(r.Context(), id, ring, actor(r), s.now())
	var errs validate.Errors
	switch {
	case errors.As(err, &errs):
		s.renderImportPreview(w, r, http.StatusUnprocessableEntity, errs, nil)
		return
	case errors.Is(err, postgres.ErrNotFound):
		s.importGone(w, r)
		return
	case err != nil && !errors.Is(err, signups.ErrImportDone): // imported already: the report
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, importPath+"/"+strconv.FormatInt(id, 10), http.StatusSeeOther) // #nosec G710 -- a local path built from a numeric id
}

// unconfirmedPage lists the imported people staff have yet to phone about their consent.
func (s *Server) unconfirmedPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, total, err := s.signups().Unconfirmed(ctx, perPage, offset(r), actor(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	page := s.layout(r, i18n.T(ctx, "import.unconfirmed.title"))
	page.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	s.renderPage(w, r, http.StatusOK, page, pages.UnconfirmedList(list, pager(r, total)))
}

// confirmConsent records that staff phoned an imported person, who agreed. It goes back to
// the list of them, or to the person's page ("tilbake=person").
func (s *Server) confirmConsent(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id := pathID(r)
	err := s.signups().ConfirmConsent(r.Context(), id, actor(r), s.now())
	switch {
	case errors.Is(err, postgres.ErrNotFound):
		s.notFound(w, r)
		return
	case errors.Is(err, postgres.ErrConflict):
		s.flash(r, "import.consent.already")
	case err != nil:
		s.serverError(w, r, err)
		return
	default:
		s.flash(r, "import.consent.done")
	}
	back := "/admin/venteliste/importerte"
	if r.PostFormValue("tilbake") == "person" {
		back = "/admin/deltakere/" + strconv.FormatInt(id, 10)
	}
	http.Redirect(w, r, back, http.StatusSeeOther) // #nosec G710 -- one of two local paths
}

// exportHeader are the columns of a download, the headings an import reads back.
func exportHeader(r *http.Request) []string {
	ctx := r.Context()
	out := []string{}
	for _, f := range []string{"name", "email", "phone", "theme", "group", "since", "contact", "lang", "note"} {
		out = append(out, i18n.T(ctx, "import.heading."+f))
	}
	return append(out, i18n.T(ctx, "import.heading.pending"))
}

// exportWaiting downloads the waiting list as ext ("csv" or "xlsx"), filtered as the list
// is (?tema= or ?gruppe=); the download is audited.
func (s *Server) exportWaiting(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		t := signups.Target{GroupID: queryID(r, "gruppe"), ThemeID: queryID(r, "tema")}
		list, err := s.signups().ExportWaiting(ctx, t, ext, actor(r))
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		yes, no := i18n.T(ctx, "import.pending.yes"), ""
		rows := make([][]any, len(list))
		for i, e := range list {
			pending := no
			if e.ConsentPending {
				pending = yes
			}
			rows[i] = []any{e.FirstName, e.Email, e.Phone, e.Theme, e.Group, e.WaitingSince.In(tz.Oslo),
				i18n.T(ctx, "import.contact."+e.Contact), i18n.T(ctx, "import.lang."+e.Lang), e.Note, pending}
		}
		name := "venteliste-" + s.now().In(tz.Oslo).Format("2006-01-02") + "." + ext
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		var buf bytes.Buffer
		if ext == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			err = sheet.WriteCSV(&buf, i18n.LangOf(ctx), exportHeader(r), rows)
		} else {
			w.Header().Set("Content-Type", xlsxType)
			err = sheet.WriteXLSX(&buf, i18n.T(ctx, "waiting.title"), exportHeader(r), rows)
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		_, _ = buf.WriteTo(w)
	}
}
