//go:build faults

package faults

import (
	"bytes"
	"io"
	"net"
	"net/mail"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
)

// sink is a real SMTP server on loopback that keeps what it accepts. It can go down and come
// back on the same port, and hold every message inside DATA until the test lets them go
// (then it refuses them: the server never said it took them).
type sink struct {
	t    *testing.T
	addr string

	mu       sync.Mutex
	srv      *smtp.Server
	accepted []delivered
	hold     bool
	held     int
	release  chan struct{}
}

// delivered is one message the sink accepted.
type delivered struct{ to, messageID string }

// newSink reserves a port for a sink that is down until up.
func newSink(t *testing.T) *sink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{t: t, addr: ln.Addr().String(), release: make(chan struct{})}
	ln.Close()
	t.Cleanup(func() {
		s.releaseHeld()
		s.down()
	})
	return s
}

// up listens on the sink's port.
func (s *sink) up() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("sink: listen on %s: %v", s.addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{sink: s}, nil }))
	srv.Domain = "sink.test"
	srv.ErrorLog = quiet{}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(ln)
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

// holdAll makes every message from now on wait inside DATA.
func (s *sink) holdAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = true
}

// heldCount is how many messages wait inside DATA.
func (s *sink) heldCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// releaseHeld refuses the held messages and holds no more.
func (s *sink) releaseHeld() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = false
	select {
	case <-s.release:
	default:
		close(s.release)
	}
}

func (s *sink) messages() []delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivered(nil), s.accepted...)
}

type sinkSession struct {
	sink *sink
	to   string
}

func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *sinkSession) Reset()        { s.to = "" }
func (s *sinkSession) Logout() error { return nil }

// Data accepts a message by returning nil, which answers 250.
func (s *sinkSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return err
	}
	s.sink.mu.Lock()
	if s.sink.hold {
		s.sink.held++
		release := s.sink.release
		s.sink.mu.Unlock()
		<-release
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "held and refused by the test"}
	}
	s.sink.accepted = append(s.sink.accepted, delivered{to: s.to, messageID: msg.Header.Get("Message-Id")})
	s.sink.mu.Unlock()
	return nil
}

// quiet drops the SMTP server's log of the dropped connections these tests cause.
type quiet struct{}

func (quiet) Printf(string, ...any) {}
func (quiet) Println(...any)        {}
