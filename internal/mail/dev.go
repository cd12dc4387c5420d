package mail

import (
	"context"
	"log/slog"
)

// DevSender is the transport in development without SMTP_URL: it writes one line to the log
// (recipient and subject, no body) and leaves the message in the outbox, where the dev
// mailbox shows it with its links.
type DevSender struct {
	log *slog.Logger
}

// NewDevSender returns a DevSender that logs to log.
func NewDevSender(log *slog.Logger) *DevSender { return &DevSender{log: log} }

// Send logs the message.
func (d *DevSender) Send(_ context.Context, m Mail, _ string) error {
	d.log.Info("mail: kept for the dev mailbox", "outbox_id", m.ID, "to", m.To, "subject", m.Subject)
	return nil
}

// Transport names the transport in the outbox.
func (d *DevSender) Transport() string { return "devmailbox" }

// DevSMSSender is the SMS transport in development without SMS_URL: it logs one line (no
// number, no text) and leaves the SMS in the outbox, where the dev SMS inbox shows it.
type DevSMSSender struct {
	log *slog.Logger
}

// NewDevSMSSender returns a DevSMSSender that logs to log.
func NewDevSMSSender(log *slog.Logger) *DevSMSSender { return &DevSMSSender{log: log} }

// SendSMS logs the SMS.
func (d *DevSMSSender) SendSMS(_ context.Context, _, _, ref string) error {
	d.log.Info("mail: SMS kept for the dev SMS inbox", "outbox_id", ref)
	return nil
}

// Transport names the transport in the outbox.
func (d *DevSMSSender) Transport() string { return "devsms" }
