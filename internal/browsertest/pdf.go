package browsertest

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// PDFPage is what a page of a printed PDF holds, as far as a test needs: the number of text
// runs drawn on it (Tj and TJ operators of its content streams). A page that holds only the
// running footer has as many as the footer has runs.
type PDFPage struct {
	TextRuns int
}

var (
	pdfObject = regexp.MustCompile(`(?s)(\d+) 0 obj\s*(.*?)endobj`)
	pdfRef    = regexp.MustCompile(`(\d+) 0 R`)
	pdfKids   = regexp.MustCompile(`(?s)/Kids\s*\[(.*?)\]`)
	pdfCont   = regexp.MustCompile(`(?s)/Contents\s*(\[.*?\]|\d+ 0 R)`)
	pdfRoot   = regexp.MustCompile(`/Root\s+(\d+) 0 R`)
	pdfPages  = regexp.MustCompile(`/Pages\s+(\d+) 0 R`)
	pdfText   = regexp.MustCompile(`(?:^|[\s\]>)])T[jJ](?:\s|$)`)
)

// PDFPages reads the pages of a PDF as Chromium writes it (plain objects, no object streams,
// Flate-compressed content), in order. It is strict: anything it cannot follow is an error,
// so a test built on it cannot pass by reading nothing.
func PDFPages(pdf []byte) ([]PDFPage, error) {
	objs := map[string][]byte{}
	for _, m := range pdfObject.FindAllSubmatch(pdf, -1) {
		objs[string(m[1])] = m[2]
	}
	root := pdfRoot.FindSubmatch(pdf)
	if root == nil {
		return nil, fmt.Errorf("pdf: no /Root")
	}
	catalog, ok := objs[string(root[1])]
	pagesRef := pdfPages.FindSubmatch(catalog)
	if !ok || pagesRef == nil {
		return nil, fmt.Errorf("pdf: no page tree")
	}
	var out []PDFPage
	var walk func(id string, depth int) error
	walk = func(id string, depth int) error {
		obj, ok := objs[id]
		if !ok || depth > 32 {
			return fmt.Errorf("pdf: object %s missing", id)
		}
		if kids := pdfKids.FindSubmatch(obj); kids != nil {
			for _, k := range pdfRef.FindAllSubmatch(kids[1], -1) {
				if err := walk(string(k[1]), depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		p := PDFPage{}
		if c := pdfCont.FindSubmatch(obj); c != nil {
			for _, ref := range pdfRef.FindAllSubmatch(c[1], -1) {
				content, err := pdfStream(objs[string(ref[1])])
				if err != nil {
					return fmt.Errorf("pdf: page %s: %w", id, err)
				}
				p.TextRuns += len(pdfText.FindAll(content, -1))
			}
		}
		out = append(out, p)
		return nil
	}
	if err := walk(string(pagesRef[1]), 0); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pdf: no pages")
	}
	return out, nil
}

// pdfStream is the decoded data of a stream object.
func pdfStream(obj []byte) ([]byte, error) {
	start := bytes.Index(obj, []byte("stream"))
	end := bytes.LastIndex(obj, []byte("endstream"))
	if start < 0 || end < start {
		return nil, fmt.Errorf("not a stream")
	}
	dict, data := obj[:start], obj[start+len("stream"):end]
	data = bytes.TrimPrefix(bytes.TrimPrefix(data, []byte("\r")), []byte("\n"))
	if m := regexp.MustCompile(`/Length\s+(\d+)\s`).FindSubmatch(dict); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n <= len(data) {
			data = data[:n]
		}
	}
	if !bytes.Contains(dict, []byte("/FlateDecode")) {
		return data, nil
	}
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
