package mail

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// testCert makes a certificate for 127.0.0.1 and the pool that trusts it.
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sink.test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, roots
}

func testMail() Mail {
	m := letter(i18n.NB, "Kari", "https://selvhjelpshuset.test/invitasjon/abc")
	r, _ := Render(m)
	return Mail{ID: 7, MessageID: "G4GNLHWAZ7PPXK2O4CXY3DL5UE", Kind: m.Kind, To: "kari@example.org", Lang: m.Lang, Subject: r.Subject,
		TextBody: r.Text, HTMLBody: r.HTML, CreatedAt: time.Date(2026, 11, 23, 9, 15, 0, 0, time.UTC)}
}

func send(t *testing.T, cfg SMTPConfig, m Mail) error {
	t.Helper()
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	return s.Send(ctx, m, MessageID(m.MessageID, testDomain))
}

// smtp:// with a password: STARTTLS first, then AUTH; the message is multipart/alternative
// with both bodies and the headers receivers use to dedupe and to stay quiet.
func TestSMTPSenderStartTLSAndAuth(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	sink.user, sink.pass = "app", "s3cret pass"
	var roots *x509.CertPool
	sink.tls, roots = testCert(t)
	addr := sink.up()
	u := &url.URL{Scheme: "smtp", User: url.UserPassword("app", "s3cret pass"), Host: addr}
	m := testMail()
	m.ReplyTo = "post@linkoslo.example"
	if err := send(t, SMTPConfig{URL: u, TLS: &tls.Config{RootCAs: roots}}, m); err != nil {
		t.Fatal(err)
	}
	got := sink.messages()
	if len(got) != 1 || !got[0].tls || !got[0].auth || got[0].to != m.To || got[0].from != "ikke-svar@selvhjelpshuset.no" {
		t.Fatalf("sink got %+v; want one message over TLS after AUTH", got)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(got[0].data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	date, _ := msg.Header.Date()
	for name, c := range map[string]struct{ got, want string }{
		"From":             {msg.Header.Get("From"), `"Selvhjelpshuset" <ikke-svar@selvhjelpshuset.no>`},
		"To":               {msg.Header.Get("To"), "<kari@example.org>"},
		"Subject":          {subject, m.Subject},
		"Message-Id":       {msg.Header.Get("Message-Id"), "<G4GNLHWAZ7PPXK2O4CXY3DL5UE@selvhjelpshuset.test>"},
		"Reply-To":         {msg.Header.Get("Reply-To"), "<post@linkoslo.example>"},
		"Auto-Submitted":   {msg.Header.Get("Auto-Submitted"), "auto-generated"},
		"Content-Language": {msg.Header.Get("Content-Language"), "nb"},
		"Date":             {date.UTC().String(), m.CreatedAt.String()},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", name, c.got, c.want)
		}
	}
	parts := alternatives(t, msg)
	if !strings.Contains(parts["text/plain"], "https://selvhjelpshuset.test/invitasjon/abc") ||
		!strings.Contains(parts["text/html"], `<html lang="nb">`) || len(parts) != 2 {
		t.Errorf("parts: %v", parts)
	}
}

// alternatives returns the decoded parts of a multipart/alternative message by media type.
func alternatives(t *testing.T, msg *netmail.Message) map[string]string {
	t.Helper()
	media, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || media != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return parts
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p)
		media, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[media] = string(body)
	}
}

// smtps:// speaks TLS from the first byte, and From can be configured.
func TestSMTPSenderImplicitTLS(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	var roots *x509.CertPool
	sink.tls, roots = testCert(t)
	sink.implicitTLS = true
	addr := sink.up()
	cfg := SMTPConfig{URL: &url.URL{Scheme: "smtps", Host: addr}, From: "LINK Oslo <post@linkoslo.test>", TLS: &tls.Config{RootCAs: roots}}
	if err := send(t, cfg, testMail()); err != nil {
		t.Fatal(err)
	}
	got := sink.messages()
	if len(got) != 1 || !got[0].tls || got[0].from != "post@linkoslo.test" {
		t.Errorf("sink got %+v; want one message over TLS from post@linkoslo.test", got)
	}
}

// A wrong password, or a certificate nobody vouches for, is an error and sends nothing: a bad
// certificate is never a reason to fall back to plain text.
func TestSMTPSenderRefusals(t *testing.T) {
	t.Parallel()
	sink := newSink(t)
	sink.user, sink.pass = "app", "right"
	var roots *x509.CertPool
	sink.tls, roots = testCert(t)
	addr := sink.up()
	wrong := &url.URL{Scheme: "smtp", User: url.UserPassword("app", "wrong"), Host: addr}
	if err := send(t, SMTPConfig{URL: wrong, TLS: &tls.Config{RootCAs: roots}}, testMail()); err == nil {
		t.Error("a wrong password was accepted")
	}
	right := &url.URL{Scheme: "smtp", User: url.UserPassword("app", "right"), Host: addr}
	if err := send(t, SMTPConfig{URL: right}, testMail()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an untrusted certificate: %v", err)
	}
	if n := len(sink.messages()); n != 0 {
		t.Errorf("sink got %d messages", n)
	}
}

func TestNewSMTPSenderTLSPolicy(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]struct {
		port     int
		implicit bool
		policy   gomail.TLSPolicy
	}{
		"smtp://mail.example.org":               {587, false, gomail.TLSOpportunistic},
		"smtp://app:pw@mail.example.org:2525":   {2525, false, gomail.TLSMandatory},
		"smtp://app:pw@127.0.0.1:1025":          {1025, false, gomail.TLSOpportunistic},
		"smtps://app:pw@mail.example.org":       {465, true, gomail.TLSMandatory},
		"smtps://mail.example.org:4650":         {4650, true, gomail.TLSMandatory},
		"smtp://app@localhost":                  {587, false, gomail.TLSOpportunistic},
		"smtp://app:pw@[::1]:25":                {25, false, gomail.TLSOpportunistic},
		"smtp://app:p%40ss@mail.example.org:25": {25, false, gomail.TLSMandatory},
	} {
		u, _ := url.Parse(raw)
		s, err := NewSMTPSender(SMTPConfig{URL: u})
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		if s.port != want.port || s.implicitTLS != want.implicit || s.policy != want.policy {
			t.Errorf("%s: port %d, implicit TLS %v, policy %v; want %+v", raw, s.port, s.implicitTLS, s.policy, want)
		}
	}
	for _, raw := range []string{"http://mail.example.org", "smtp://", "smtp://mail.example.org:port"} {
		u, _ := url.Parse(raw)
		if _, err := NewSMTPSender(SMTPConfig{URL: u}); err == nil {
			t.Errorf("%s was accepted", raw)
		}
	}
	if _, err := NewSMTPSender(SMTPConfig{URL: &url.URL{Scheme: "smtp", Host: "x"}, From: "not an address"}); err == nil {
		t.Error("a malformed From was accepted")
	}
}
