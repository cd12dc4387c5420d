// Package config reads the app's settings from the environment, once, into a validated Config.
package config

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Environments the app knows.
const (
	Development = "development"
	Production  = "production"
)

// MinSecretBytes is the least entropy SECRET_KEY must carry.
const MinSecretBytes = 32

// Config holds every setting. Build it with Load; the zero value is not usable.
type Config struct {
	DatabaseURL string
	Addr        string
	AdminAddr   string // loopback address of the admin listener (metrics, pprof); "": none
	BaseURL     *url.URL
	Env         string
	Secret      []byte
	// SecretGenerated is true when SECRET_KEY was unset in development and a random key was
	// made for this run; the caller prints it once so the developer can keep it.
	SecretGenerated bool
	// PreviousSecrets are the SECRET_KEYs replaced by Secret, from SECRET_KEY_PREVIOUS
	// (comma-separated): credentials sealed under them still open until `rotate-key` has
	// sealed them again under Secret.
	PreviousSecrets [][]byte
	SMTPURL         *url.URL // nil: no SMTP (mail goes to the development mailbox)
	MailFrom        string   // sender of e-mail, "Name <address>"; "" means the mail package's default
	// SMS through Twilio's Messages API: SMSURL is the API base (https://api.twilio.com); nil
	// means no provider (SMS go to the development SMS inbox). The account SID and auth token
	// authenticate the app (and the auth token signs Twilio's incoming-SMS webhook); SMSFrom
	// is the sender: a number, an alphanumeric sender ID or a Messaging Service SID (MG…).
	SMSURL        *url.URL
	SMSAccountSID string
	SMSAuthToken  string
	SMSFrom       string
	// TrustedProxies is how many reverse proxies stand in front of the app; the client IP is
	// then read from X-Forwarded-For that many hops back. 0: the peer address is the client.
	TrustedProxies  int
	LogLevel        slog.Level
	RetentionMonths int
	LoanMaxMonths   int // the longest licence loan a request may ask for
}

// Production reports whether the app runs in production mode.
func (c Config) Production() bool { return c.Env == Production }

// Load reads the environment through getenv and validates it. The error names the first
// variable that is wrong, in one line, so the app can refuse to start with a clear reason.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        or(getenv("ADDR"), "127.0.0.1:8080"),
		AdminAddr:   strings.TrimSpace(getenv("ADMIN_ADDR")),
		Env:         or(getenv("APP_ENV"), Development),
	}
	if c.Env != Development && c.Env != Production {
		return c, fmt.Errorf("APP_ENV must be %q or %q, not %q", Development, Production, c.Env)
	}
	if c.DatabaseURL == "" {
		return c, errors.New("DATABASE_URL is not set (make run sets up a local database for you)")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, fmt.Errorf("ADDR must be host:port, e.g. 127.0.0.1:8080: %w", err)
	}
	if err := checkAdminAddr(c.AdminAddr, c.Addr); err != nil {
		return c, err
	}
	var err error
	if c.BaseURL, err = loadBaseURL(getenv("BASE_URL"), c); err != nil {
		return c, err
	}
	if c.Secret, c.SecretGenerated, err = loadSecret(getenv("SECRET_KEY"), c.Production()); err != nil {
		return c, err
	}
	for i, raw := range strings.Split(getenv("SECRET_KEY_PREVIOUS"), ",") {
		if raw = strings.TrimSpace(raw); raw == "" {
			continue
		}
		key, _, err := loadSecret(raw, true)
		if err != nil {
			return c, fmt.Errorf("SECRET_KEY_PREVIOUS, key %d: %s", i+1, strings.TrimPrefix(err.Error(), "SECRET_KEY "))
		}
		c.PreviousSecrets = append(c.PreviousSecrets, key)
	}
	if c.SMTPURL, err = loadSMTP(getenv("SMTP_URL")); err != nil {
		return c, err
	}
	if err := loadSMS(getenv, &c); err != nil {
		return c, err
	}
	if c.MailFrom = strings.TrimSpace(getenv("MAIL_FROM")); c.MailFrom != "" {
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			return c, fmt.Errorf("MAIL_FROM must be an address such as \"Selvhjelpshuset <post@example.no>\": %w", err)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(or(getenv("LOG_LEVEL"), "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error: %w", err)
	}
	if raw := getenv("TRUSTED_PROXIES"); raw != "" && raw != "0" {
		if c.TrustedProxies, err = positiveInt(raw, 0); err != nil {
			return c, fmt.Errorf("TRUSTED_PROXIES: %w", err)
		}
	}
	if c.RetentionMonths, err = positiveInt(getenv("RETENTION_MONTHS"), 12); err != nil {
		return c, fmt.Errorf("RETENTION_MONTHS: %w", err)
	}
	if c.LoanMaxMonths, err = positiveInt(getenv("LOAN_MAX_MONTHS"), 6); err != nil {
		return c, fmt.Errorf("LOAN_MAX_MONTHS: %w", err)
	}
	return c, nil
}

// checkAdminAddr accepts an empty admin address (no admin listener) or a loopback host:port
// that is not the public address: metrics and profiles must never be reachable from outside
// the machine. Port 0 (any free port, as in tests) never collides.
func checkAdminAddr(admin, public string) error {
	if admin == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(admin)
	if err != nil {
		return fmt.Errorf("ADMIN_ADDR must be host:port on loopback, e.g. 127.0.0.1:9090: %w", err)
	}
	if !loopback(host) {
		return fmt.Errorf("ADMIN_ADDR must be on loopback (127.0.0.1, ::1 or localhost), not %q: metrics and profiles must not be reachable from outside", host)
	}
	pubHost, pubPort, _ := net.SplitHostPort(public)
	wildcard := pubHost == "" || pubHost == "0.0.0.0" || pubHost == "::"
	if port != "0" && port == pubPort && (wildcard || sameHost(host, pubHost)) {
		return fmt.Errorf("ADMIN_ADDR must differ from ADDR (%s): the admin listener must not share the public address", public)
	}
	return nil
}

// loopback reports whether host is localhost or a loopback IP.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameHost reports whether listening on a and on b would take the same address; localhost
// stands for any loopback address.
func sameHost(a, b string) bool {
	if strings.EqualFold(a, "localhost") || strings.EqualFold(b, "localhost") {
		return loopback(a) && loopback(b)
	}
	if ia, ib := net.ParseIP(a), net.ParseIP(b); ia != nil && ib != nil {
		return ia.Equal(ib)
	}
	return strings.EqualFold(a, b)
}

func loadBaseURL(raw string, c Config) (*url.URL, error) {
	if raw == "" {
		if c.Production() {
			return nil, errors.New("BASE_URL is required in production (e.g. https://selvhjelpshuset.no)")
		}
		raw = "http://" + c.Addr
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("BASE_URL must be an absolute http(s) URL, not %q", raw)
	}
	if c.Production() && u.Scheme != "https" {
		return nil, errors.New("BASE_URL must use https in production")
	}
	return u, nil
}

// loadSecret decodes SECRET_KEY (standard or URL-safe base64). In development a missing key
// is generated; in production it must be present and strong.
func loadSecret(raw string, production bool) ([]byte, bool, error) {
	if raw == "" {
		if production {
			return nil, false, errors.New("SECRET_KEY is required in production: generate one with `openssl rand -base64 32`")
		}
		key := make([]byte, MinSecretBytes)
		if _, err := rand.Read(key); err != nil {
			return nil, false, fmt.Errorf("generate SECRET_KEY: %w", err)
		}
		return key, true, nil
	}
	key, err := decodeBase64(raw)
	if err != nil {
		return nil, false, errors.New("SECRET_KEY must be base64 (e.g. from `openssl rand -base64 32`)")
	}
	if len(key) < MinSecretBytes {
		return nil, false, fmt.Errorf("SECRET_KEY is too weak: %d bytes, need at least %d random bytes", len(key), MinSecretBytes)
	}
	if weak(key) {
		return nil, false, errors.New("SECRET_KEY is too weak: it repeats a short pattern; use `openssl rand -base64 32`")
	}
	return key, false, nil
}

// weak catches keys that are long but not random, such as 32 zero bytes or "abcabc…": a key
// with fewer than 8 distinct byte values cannot come from a random source.
func weak(key []byte) bool {
	seen := map[byte]bool{}
	for _, b := range key {
		seen[b] = true
	}
	return len(seen) < 8
}

// EncodeSecret renders a key the way SECRET_KEY expects it.
func EncodeSecret(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

func loadSMTP(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("SMTP_URL must look like smtp://user:password@host:587 or smtps://host:465")
	}
	return u, nil
}

// loadSMS reads SMS_URL and, when it is set, the account SID, auth token and sender it needs.
// In production the API must be reached over https.
func loadSMS(getenv func(string) string, c *Config) error {
	raw := strings.TrimSpace(getenv("SMS_URL"))
	c.SMSAccountSID = strings.TrimSpace(getenv("SMS_ACCOUNT_SID"))
	c.SMSAuthToken = strings.TrimSpace(getenv("SMS_AUTH_TOKEN"))
	c.SMSFrom = strings.TrimSpace(getenv("SMS_FROM"))
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || (u.Path != "" && u.Path != "/") ||
		u.User != nil || u.RawQuery != "" {
		return errors.New("SMS_URL must be the API's base URL, e.g. https://api.twilio.com")
	}
	if c.Production() && u.Scheme != "https" {
		return errors.New("SMS_URL must be https in production: the auth token is sent with every SMS")
	}
	switch {
	case c.SMSAccountSID == "":
		return errors.New("SMS_ACCOUNT_SID is required with SMS_URL (the account SID, AC…)")
	case c.SMSAuthToken == "":
		return errors.New("SMS_AUTH_TOKEN is required with SMS_URL")
	case c.SMSFrom == "":
		return errors.New("SMS_FROM is required with SMS_URL (a number such as +4740000000, a sender name or a Messaging Service SID)")
	}
	c.SMSURL = u
	return nil
}

func positiveInt(raw string, def int) (int, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("must be a whole number above 0, not %q", raw)
	}
	return n, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
