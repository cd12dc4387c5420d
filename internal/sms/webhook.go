package sms

import (
	"crypto/hmac"
	"crypto/sha1" // #nosec G505 -- Twilio signs its webhooks with HMAC-SHA1 (its documented scheme); we only check the signature.
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Signature is the X-Twilio-Signature of a webhook request as Twilio makes it: the full URL
// it requested (scheme, host, path and query), followed by each POST parameter's name and
// value in the order of the names (and of the values of a repeated name), signed with
// HMAC-SHA1 keyed by the account's auth token, in base64.
func Signature(authToken, fullURL string, form url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	names := make([]string, 0, len(form))
	for name := range form {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		values := append([]string(nil), form[name]...)
		sort.Strings(values)
		for _, v := range values {
			b.WriteString(name)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidSignature reports whether signature is Twilio's for a request to fullURL with the
// POST parameters form. An empty token or signature is never valid.
func ValidSignature(authToken, fullURL string, form url.Values, signature string) bool {
	if authToken == "" || signature == "" {
		return false
	}
	want := Signature(authToken, fullURL, form)
	return hmac.Equal([]byte(want), []byte(signature))
}

// IsStop reports whether an incoming text asks to stop SMS: STOPP or STOP, in any case, with
// spaces or a full stop around it.
func IsStop(body string) bool {
	w := strings.ToUpper(strings.Trim(strings.TrimSpace(body), ".! "))
	return w == "STOPP" || w == "STOP"
}
