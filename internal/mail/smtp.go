package mail

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultFrom is the sender when none is configured.
const DefaultFrom = "Selvhjelpshuset <ikke-svar@selvhjelpshuset.no>"

// SMTPConfig configures an SMTPSender.
type SMTPConfig struct {
	// URL is SMTP_URL: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465
	// (TLS from the first byte). The port defaults to 587 and 465.
	URL *url.URL
	// From is the sender, with or without a display name; "" means DefaultFrom.
	From string
	// TLS verifies the server; nil means the system's roots, checked against the URL's host.
	TLS *tls.Config
	// Timeout bounds connecting and each SMTP command; 0 means 30 seconds.
	Timeout time.Duration
}

// SMTPSender sends mail through an SMTP server as multipart/alternative (text and HTML).
//
// TLS: smtps:// always speaks TLS. smtp:// upgrades with STARTTLS when the server offers it;
// it insists on STARTTLS when the URL carries a password and the host is not loopback, so a
// server that stops offering it (or an attacker who strips the offer) never gets the password
// in clear. PLAIN and LOGIN refuse to run without TLS except on loopback anyway.
type SMTPSender struct {
	host, user, pass string
	port             int
	implicitTLS      bool
	policy           gomail.TLSPolicy
	from             *netmail.Address
	tls              *tls.Config
	timeout          time.Duration
}

// NewSMTPSender checks c and returns a sender. It does not connect.
func NewSMTPSender(c SMTPConfig) (*SMTPSender, error) {
	if c.URL == nil || c.URL.Hostname() == "" || (c.URL.Scheme != "smtp" && c.URL.Scheme != "smtps") {
		return nil, errors.New("mail: SMTP URL must look like smtp://user:password@host:587 or smtps://host:465")
	}
	from, err := netmail.ParseAddress(cmp.Or(c.From, DefaultFrom))
	if err != nil {
		return nil, fmt.Errorf("mail: sender address %q: %w", c.From, err)
	}
	s := &SMTPSender{
		host:        c.URL.Hostname(),
		implicitTLS: c.URL.Scheme == "smtps",
		from:        from,
		timeout:     cmp.Or(c.Timeout, 30*time.Second),
		policy:      gomail.TLSOpportunistic,
	}
	s.port = 587
	if s.implicitTLS {
		s.port = 465
	}
	if p := c.URL.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("mail: SMTP port %q: %w", p, err)
		}
	}
	if c.URL.User != nil {
		s.user = c.URL.User.Username()
		s.pass, _ = c.URL.User.Password()
	}
	if s.implicitTLS || s.user != "" && !isLoopback(s.host) {
		s.policy = gomail.TLSMandatory
	}
	s.tls = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	if c.TLS != nil {
		s.tls = c.TLS.Clone()
		s.tls.ServerName = cmp.Or(s.tls.ServerName, s.host)
	}
	return s, nil
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// Transport names the transport in the outbox.
func (s *SMTPSender) Transport() string { return "smtp" }

// Send delivers m. It returns nil once the server has accepted the message (250 after DATA),
// whatever happens afterwards. When ctx ends, the connection is closed at once, so a
// stopping app never waits for a slow server and a half-sent message is never completed.
func (s *SMTPSender) Send(ctx context.Context, m Mail, messageID string) error {
	msg, err := s.message(m, messageID)
	if err != nil {
		return err
	}
	var (
		mu  sync.Mutex
		raw net.Conn
	)
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		raw = c
		mu.Unlock()
		if ctx.Err() != nil {
			_ = c.Close()
			return nil, ctx.Err()
		}
		if !s.implicitTLS {
			return c, nil
		}
		tc := tls.Client(c, s.tls)
		if err := tc.HandshakeContext(dctx); err != nil {
			_ = c.Close()
			return nil, err
		}
		return tc, nil
	}
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if raw != nil {
			_ = raw.Close()
		}
	})
	defer stop()
	err = s.deliver(ctx, dial, msg)
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("smtp: cut short: %w (%v)", ctx.Err(), err)
	}
	return err
}

// deliver connects, sends msg and says goodbye; a failing goodbye does not undo the delivery.
func (s *SMTPSender) deliver(ctx context.Context, dial gomail.DialContextFunc, msg *gomail.Msg) error {
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tls),
		gomail.WithDialContextFunc(dial),
	}
	if s.implicitTLS {
		opts = append(opts, gomail.WithSSL()) // dial speaks TLS; this tells go-mail not to STARTTLS
	} else {
		opts = append(opts, gomail.WithTLSPolicy(s.policy))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithUsername(s.user), gomail.WithPassword(s.pass),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp: connect to %s: %w", c.ServerAddr(), err)
	}
	// A failed QUIT after the server took the message changes nothing: it was delivered.
	defer func() { _ = c.CloseWithSMTPClient(conn) }()
	if err := c.SendWithSMTPClient(conn, msg); err != nil {
		return fmt.Errorf("smtp: send: %w", err)
	}
	return nil
}

// message builds the MIME message: text first, HTML as the alternative mail programs prefer.
// Date is when the mail was queued, so every attempt is the same message.
func (s *SMTPSender) message(m Mail, messageID string) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("smtp: recipient: %w", err)
	}
	if m.ReplyTo != "" {
		// Only ever the centre's own address (see Outbox.Enqueue): a reply stays at the centre.
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("smtp: reply-to: %w", err)
		}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(messageID)
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetGenHeader(gomail.HeaderContentLang, string(m.Lang))
	// RFC 3834: no out-of-office replies to a machine.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	return msg, nil
}
