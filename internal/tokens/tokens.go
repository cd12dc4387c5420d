// Package tokens makes the secrets behind private links (invitations, password resets,
// participants' "My sign-ups", calendar feeds) and the digests stored of them. Only the
// digest is ever stored, so a copy of the database opens no link.
package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// New returns a random, URL-safe token of 256 bits.
func New() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is what is stored of a token.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
