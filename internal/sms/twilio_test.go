package sms_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/sms"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "test-auth-token"
	testFrom  = "+4740000000"
)

// twilio is a local stand-in for the Twilio Messages API. It checks every request exactly as
// Twilio documents it and answers with the next of its planned answers (then 201).
type twilio struct {
	t  *testing.T
	mu sync.Mutex
	// answers are the status codes of the next answers; an error answer has Twilio's body.
	answers []int
	sent    []url.Values // the forms of the messages taken (201)
	bad     []string     // what was wrong with requests
	calls   int
	// held, when set, is closed by the handler on the first request, which then answers only
	// if release is closed before the sender hangs up; if the sender goes away first, it
	// closes cut and takes nothing.
	held, release, cut chan struct{}
}

func newTwilio(t *testing.T, answers ...int) (*twilio, *httptest.Server) {
	tw := &twilio{t: t, answers: answers, release: make(chan struct{}), cut: make(chan struct{})}
	srv := httptest.NewServer(tw)
	t.Cleanup(srv.Close)
	return tw, srv
}

func (tw *twilio) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var problems []string
	if r.Method != http.MethodPost {
		problems = append(problems, "method "+r.Method)
	}
	if want := "/2010-04-01/Accounts/" + testSID + "/Messages.json"; r.URL.Path != want {
		problems = append(problems, "path "+r.URL.Path)
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != testSID || pass != testToken {
		problems = append(problems, "basic auth")
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		problems = append(problems, "content type "+ct)
	}
	raw, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		problems = append(problems, "form: "+err.Error())
	}
	for _, k := range []string{"To", "From", "Body"} {
		if len(form[k]) != 1 || form.Get(k) == "" {
			problems = append(problems, "field "+k)
		}
	}
	if form.Get("From") != testFrom {
		problems = append(problems, "From "+form.Get("From"))
	}
	tw.mu.Lock()
	tw.calls++
	first, calls := tw.calls == 1, tw.calls
	status := http.StatusCreated
	if len(tw.answers) > 0 {
		status, tw.answers = tw.answers[0], tw.answers[1:]
	}
	if len(problems) > 0 {
		tw.bad = append(tw.bad, strings.Join(problems, ", "))
		status = http.StatusBadRequest
	}
	held, release, cut := tw.held, tw.release, tw.cut
	tw.mu.Unlock()
	if first && held != nil {
		close(held)
		select {
		case <-release:
		case <-r.Context().Done():
			close(cut)
			return
		}
	}
	if status == http.StatusCreated {
		tw.mu.Lock()
		tw.sent = append(tw.sent, form)
		tw.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if status == http.StatusCreated {
		_ = json.NewEncoder(w).Encode(map[string]any{"sid": fmt.Sprintf("SM%032d", calls),
			"account_sid": testSID, "to": form.Get("To"), "from": form.Get("From"), "body": form.Get("Body"),
			"status": "queued", "num_segments": "1", "direction": "outbound-api", "api_version": "2010-04-01"})
		return
	}
	code, msg := 20500, "An internal server error has occurred"
	switch status {
	case http.StatusBadRequest:
		code, msg = 21211, "The 'To' number "+form.Get("To")+" is not a valid phone number."
	case http.StatusTooManyRequests:
		code, msg = 20429, "Too Many Requests"
	case http.StatusUnauthorized:
		code, msg = 20003, "Authenticate"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

// holdFirst makes the first request wait (see held).
func (tw *twilio) holdFirst() {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	tw.held = make(chan struct{})
}

func (tw *twilio) callCount() int {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	return tw.calls
}

func (tw *twilio) taken() []url.Values {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if len(tw.bad) > 0 {
		tw.t.Errorf("requests not as Twilio documents them: %q", tw.bad)
	}
	return append([]url.Values(nil), tw.sent...)
}

func sender(t *testing.T, base string) *sms.Sender {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sms.NewSender(sms.Config{URL: u, AccountSID: testSID, AuthToken: testToken, From: testFrom})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The sender posts the form Twilio documents, and a 201 is success.
func TestSenderPostsTheDocumentedRequest(t *testing.T) {
	t.Parallel()
	tw, srv := newTwilio(t)
	s := sender(t, srv.URL)
	text := "Hei! Du har fått plass. Svar på lenken: https://selvhjelpshuset.test/tilbud/abc\nHilsen Blå gård, tlf. 22 00 00 00 æøå ÆØÅ"
	if err := s.SendSMS(context.Background(), "+4791234567", text, "42"); err != nil {
		t.Fatal(err)
	}
	got := tw.taken()
	if len(got) != 1 || got[0].Get("To") != "+4791234567" || got[0].Get("Body") != text || got[0].Get("From") != testFrom {
		t.Errorf("provider took %v", got)
	}
	if s.Transport() != "sms" {
		t.Errorf("transport %q", s.Transport())
	}
}

// A 4xx answer about the message is a refusal: ErrRejected with the provider's code and
// message, without the number or the text. 429, 401 (our credentials: mended by an admin,
// then the SMS must still go), 5xx and a provider that is down are plain errors, retried.
func TestSenderErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status   int
		rejected bool
		want     string
	}{
		{http.StatusBadRequest, true, "21211"},
		{http.StatusUnauthorized, false, "20003"},
		{http.StatusTooManyRequests, false, "429"},
		{http.StatusInternalServerError, false, "500"},
		{http.StatusServiceUnavailable, false, "503"},
	} {
		_, srv := newTwilio(t, c.status)
		err := sender(t, srv.URL).SendSMS(context.Background(), "+4791234567", "Hemmelig tekst", "1")
		if err == nil || errors.Is(err, sms.ErrRejected) != c.rejected || !strings.Contains(err.Error(), c.want) {
			t.Errorf("HTTP %d: %v; want rejected=%v mentioning %q", c.status, err, c.rejected, c.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "91234567") || strings.Contains(msg, "Hemmelig") {
			t.Errorf("HTTP %d: the error gives away the number or the text: %q", c.status, msg)
		}
	}
	_, srv := newTwilio(t)
	srv.Close()
	err := sender(t, srv.URL).SendSMS(context.Background(), "+4791234567", "Tekst", "1")
	if err == nil || errors.Is(err, sms.ErrRejected) {
		t.Errorf("provider down: %v; want a plain error", err)
	}
}

// A Messaging Service SID is sent as MessagingServiceSid instead of From.
func TestSenderMessagingService(t *testing.T) {
	t.Parallel()
	var form url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		form = r.PostForm
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"sid":"SM1"}`)
	}))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	s, err := sms.NewSender(sms.Config{URL: u, AccountSID: testSID, AuthToken: testToken, From: "MG0123456789abcdef0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SendSMS(context.Background(), "+4791234567", "Hei", "1"); err != nil {
		t.Fatal(err)
	}
	if form.Get("MessagingServiceSid") != "MG0123456789abcdef0123456789abcdef" || form.Has("From") {
		t.Errorf("form %v", form)
	}
}

func TestNewSenderChecksConfig(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("https://api.twilio.com")
	ftp, _ := url.Parse("ftp://api.twilio.com")
	for _, cfg := range []sms.Config{
		{URL: nil, AccountSID: testSID, AuthToken: testToken, From: testFrom},
		{URL: ftp, AccountSID: testSID, AuthToken: testToken, From: testFrom},
		{URL: u, AuthToken: testToken, From: testFrom},
		{URL: u, AccountSID: testSID, From: testFrom},
		{URL: u, AccountSID: testSID, AuthToken: testToken},
	} {
		if _, err := sms.NewSender(cfg); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
}
