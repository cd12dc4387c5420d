package mail

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/mail"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server on 127.0.0.1 that keeps what it accepts. It can go down and come
// back on the same port, ask for a password, offer STARTTLS or speak TLS from the first byte,
// and hold one message inside DATA until the test lets it go.
type sink struct {
	t    *testing.T
	addr string // host:port, fixed once chosen, so the sink can come back where it was
	user string // when set, AUTH PLAIN with user and pass is required
	pass string
	tls  *tls.Config // offered with STARTTLS, or spoken from the start when implicit
	// implicitTLS makes the sink an smtps server.
	implicitTLS bool

	mu       sync.Mutex
	srv      *smtp.Server
	accepted []received
	hold     bool          // hold the next message
	held     chan struct{} // gets a value when a held message is inside DATA
	release  chan struct{} // closed by the test: the held message is refused
}

// received is one message the sink accepted.
type received struct {
	from, to  string
	data      []byte
	tls, auth bool
}

func newSink(t *testing.T) *sink {
	s := &sink{t: t, held: make(chan struct{}, 1), release: make(chan struct{})}
	t.Cleanup(func() {
		s.releaseHeld()
		s.down()
	})
	return s
}

// reserve picks a free port without listening on it: the sink is down until up.
func (s *sink) reserve() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	ln.Close()
	return s.addr
}

// up starts listening, on the reserved port if there is one.
func (s *sink) up() string {
	s.t.Helper()
	if s.addr == "" {
		s.reserve()
	}
	var ln net.Listener
	var err error
	if s.implicitTLS {
		ln, err = tls.Listen("tcp", s.addr, s.tls)
	} else {
		ln, err = net.Listen("tcp", s.addr)
	}
	if err != nil {
		s.t.Fatalf("sink: listen on %s: %v", s.addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{sink: s, tls: isTLS}, nil
	}))
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = quiet{}
	if !s.implicitTLS {
		srv.TLSConfig = s.tls
	}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
	return s.addr
}

// down stops listening and drops every connection: nothing answers on the port.
func (s *sink) down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// holdNext makes the next message wait inside DATA until releaseHeld, and then refuses it.
func (s *sink) holdNext() {
	s.mu.Lock()
	s.hold = true
	s.mu.Unlock()
}

func (s *sink) releaseHeld() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.accepted...)
}

// messageIDs counts the accepted messages per Message-ID.
func (s *sink) messageIDs() map[string]int {
	ids := map[string]int{}
	for _, m := range s.messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.data))
		if err != nil {
			s.t.Errorf("sink: unreadable message: %v", err)
			continue
		}
		ids[msg.Header.Get("Message-Id")]++
	}
	return ids
}

type session struct {
	sink      *sink
	tls, auth bool
	from, to  string
}

func (s *session) AuthMechanisms() []string {
	if s.sink.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.sink.user || pass != s.sink.pass {
			return errors.New("wrong password")
		}
		s.auth = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.sink.user != "" && !s.auth {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}

// Data accepts a message by returning nil, which answers 250. A held message is refused: the
// server never said it took it, as when a server goes away in the middle of DATA.
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.sink.mu.Lock()
	hold := s.sink.hold
	s.sink.hold = false
	s.sink.mu.Unlock()
	if hold {
		s.sink.held <- struct{}{}
		<-s.sink.release
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "held and refused by the test"}
	}
	s.sink.mu.Lock()
	s.sink.accepted = append(s.sink.accepted, received{from: s.from, to: s.to, data: data, tls: s.tls, auth: s.auth})
	s.sink.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", "" }
func (s *session) Logout() error { return nil }

// quiet drops the SMTP server's own log of dropped connections, which these tests cause.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}
