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
