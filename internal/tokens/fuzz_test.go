package tokens

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
)

// A private link's token is looked up by Hash of the text in the address, as it stands: Hash
// is SHA-256 of exactly those bytes, so a token that differs in a single byte (a case, a
// trailing dot or space, a second .ics) opens nothing, and no decoding happens before it.
func FuzzHash(f *testing.F) {
	f.Add(New())
	for _, s := range []string{"", "abc", "abc.ics", "ABC", "a b", "\x00", "\xff", strings.Repeat("x", 10_000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		h := Hash(token)
		if want := sha256.Sum256([]byte(token)); !bytes.Equal(h, want[:]) {
			t.Fatalf("Hash(%q) is not SHA-256 of the token", token)
		}
		for _, other := range []string{token + ".ics", token + " ", strings.ToUpper(token), strings.TrimSpace(token), token[:len(token)/2]} {
			if other != token && bytes.Equal(Hash(other), h) {
				t.Errorf("Hash(%q) = Hash(%q)", other, token)
			}
		}
	})
}
