package sms

import "errors"

// ErrRejected wraps a provider's refusal of the request itself (a 4xx answer: a malformed or
// unknown number, a recipient who opted out, bad credentials). Retrying cannot mend it; the
// outbox records it and stops.
var ErrRejected = errors.New("sms: rejected by the provider")
