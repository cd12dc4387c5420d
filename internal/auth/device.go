package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Device is a browser that has logged in to an account before: OWASP's "device cookie". Its
// attempts to log in to that account are throttled by a counter of its own, so failures from
// elsewhere (someone guessing, or aiming a lock-out at an admin from many addresses) never
// lock the account's own browser out. The zero Device is an unknown browser.
type Device struct {
	account string // a digest of the account's address
	id      string // random, new with every login
}

// NewDevice is a new device cookie's content for the account with address email.
func NewDevice(email string) Device {
	return Device{account: accountDigest(email), id: rand.Text()}
}

// For reports whether d has logged in to the account with address email.
func (d Device) For(email string) bool {
	return d.id != "" && subtle.ConstantTimeCompare([]byte(d.account), []byte(accountDigest(email))) == 1
}

// SealDevice is d as a cookie value, sealed so it can be neither read nor made.
func SealDevice(seal *Sealer, d Device) string {
	return base64.RawURLEncoding.EncodeToString(seal.Seal([]byte(d.account + " " + d.id)))
}

// OpenDevice reads a cookie value made by SealDevice; anything else is the zero Device.
func OpenDevice(seal *Sealer, cookie string) Device {
	raw, err := base64.RawURLEncoding.DecodeString(cookie)
	if err != nil || cookie == "" {
		return Device{}
	}
	plain, err := seal.Open(raw)
	if err != nil {
		return Device{}
	}
	account, id, ok := strings.Cut(string(plain), " ")
	if !ok || account == "" || id == "" {
		return Device{}
	}
	return Device{account: account, id: id}
}

// throttleKeys are the counters a login attempt to the account email touches: the client's
// and the account's, or a known device's own.
func throttleKeys(client, email string, d Device) []string {
	if d.For(email) {
		return []string{"device:" + d.id}
	}
	return ThrottleKeys(client, email)
}

func accountDigest(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:16])
}
