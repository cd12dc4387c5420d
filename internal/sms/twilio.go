package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Timeout bounds one request to the provider: connecting, sending and reading the answer. A
// provider that hangs fails the attempt, which the outbox retries later.
const Timeout = 20 * time.Second

// Config is how the app reaches the provider's API (Twilio Programmable Messaging).
type Config struct {
	// URL is the base of the API without a path, e.g. https://api.twilio.com (in tests a
	// local server).
	URL *url.URL
	// AccountSID and AuthToken are the account's credentials (HTTP Basic auth).
	AccountSID string
	AuthToken  string
	// From is the sender: a phone number in E.164 form, an alphanumeric sender ID
	// ("Selvhjelp"), or a Messaging Service SID (MG…), which is sent as MessagingServiceSid.
	From string
}

// Sender sends SMS through the Twilio Messages resource: POST
// {URL}/2010-04-01/Accounts/{AccountSid}/Messages.json, a form with To, From (or
// MessagingServiceSid) and Body, answered 201 with the new message's sid.
type Sender struct {
	cfg      Config
	endpoint string
	client   *http.Client
}

// NewSender checks cfg and returns a Sender with a bounded HTTP client.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.URL == nil || cfg.URL.Host == "" || (cfg.URL.Scheme != "https" && cfg.URL.Scheme != "http") {
		return nil, errors.New("sms: the API URL must be http(s)://host")
	}
	if cfg.AccountSID == "" || cfg.AuthToken == "" || cfg.From == "" {
		return nil, errors.New("sms: the account SID, auth token and sender are required")
	}
	endpoint := strings.TrimRight(cfg.URL.String(), "/") + "/2010-04-01/Accounts/" +
		url.PathEscape(cfg.AccountSID) + "/Messages.json"
	return &Sender{cfg: cfg, endpoint: endpoint, client: &http.Client{Timeout: Timeout}}, nil
}

// Transport names the transport in the outbox.
func (s *Sender) Transport() string { return "sms" }

// apiError is the body of the API's error answers.
type apiError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// SendSMS hands text for the E.164 number to to the provider. A 4xx answer other than 429
// (the provider refused this request: a bad number, a recipient who opted out, bad
// credentials) returns an error wrapping ErrRejected with the provider's code and message; a
// 429, a 5xx or a network failure returns a plain error, to be retried. No error names the
// number or holds the text. ref (the outbox id) is not sent: Twilio's API has no idempotency
// key for messages; the outbox's row lock is what keeps a message from going out twice.
func (s *Sender) SendSMS(ctx context.Context, to, text, _ string) error {
	form := url.Values{"To": {to}, "Body": {text}}
	if strings.HasPrefix(s.cfg.From, "MG") {
		form.Set("MessagingServiceSid", s.cfg.From)
	} else {
		form.Set("From", s.cfg.From)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("sms: request: %w", err)
	}
	req.SetBasicAuth(s.cfg.AccountSID, s.cfg.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		// The error of the client names the URL, which holds no number or text.
		return fmt.Errorf("sms: send: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("sms: reading the answer (%d): %w", resp.StatusCode, err)
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		// Taken: the answer holds the message's sid. An answer not understood changes
		// nothing: the provider has the message, so it must not be sent again.
		return nil
	case code == http.StatusTooManyRequests:
		return fmt.Errorf("sms: the provider asks to slow down (429)%s", describe(body, to))
	case code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusNotFound:
		// Our own configuration is wrong (the auth token, the account SID, the base URL), not
		// the message: once an admin mends it, the waiting SMS must still go. Retried.
		return fmt.Errorf("sms: the provider refused our credentials or address (HTTP %d; check SMS_URL, SMS_ACCOUNT_SID and SMS_AUTH_TOKEN)%s",
			code, describe(body, to))
	case code >= 400 && code < 500:
		return fmt.Errorf("%w: HTTP %d%s", ErrRejected, code, describe(body, to))
	default:
		return fmt.Errorf("sms: the provider failed (HTTP %d)%s", code, describe(body, to))
	}
}

// describe gives the provider's error code and message, when the answer has them. The
// message is the provider's own text about the request ("The 'To' number +47... is not a valid
// phone number"): the number is taken out, and it is cut short and kept on one line.
func describe(body []byte, to string) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil || (e.Code == 0 && e.Message == "") {
		return ""
	}
	msg := strings.Join(strings.Fields(e.Message), " ")
	if to != "" {
		msg = strings.ReplaceAll(msg, to, "<recipient>")
		msg = strings.ReplaceAll(msg, strings.TrimPrefix(to, "+"), "<recipient>")
	}
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "..."
	}
	return fmt.Sprintf(": error %d: %s", e.Code, msg)
}
