// Package secrets encrypts credentials at rest: AES-256-GCM under keys derived from
// SECRET_KEY (and, while a rotation is under way, the keys it replaced). Every sealed value is
// stored with the id of its key, so `selvhjelpshus rotate-key` can find what the old key
// sealed and seal it again under the new one.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// ErrUnknownKey is returned for a value sealed under a key the ring does not hold (a
// SECRET_KEY that was replaced without being listed in SECRET_KEY_PREVIOUS).
var ErrUnknownKey = errors.New("secrets: sealed under a key this server does not have")

// ErrDamaged is returned when a sealed value fails authentication: it was changed, or it
// belongs to another row (see Seal's context).
var ErrDamaged = errors.New("secrets: sealed value is damaged")

// Keyring seals under the current key and opens under any key it holds.
type Keyring struct {
	current string
	aeads   map[string]cipher.AEAD
}

// NewKeyring derives the keys for purpose from the app secret and from earlier secrets.
func NewKeyring(purpose string, current []byte, previous ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, secret := range append([][]byte{current}, previous...) {
		key, err := hkdf.Key(sha256.New, secret, nil, "selvhjelpshus "+purpose, 32)
		if err != nil {
			return nil, fmt.Errorf("secrets: derive: %w", err)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secrets: %w", err)
		}
		id := keyID(key)
		if i == 0 {
			k.current = id
		}
		if _, seen := k.aeads[id]; !seen {
			k.aeads[id] = aead
		}
	}
	return k, nil
}

// keyID names a key without giving it away: the first 4 bytes of a hash of it, as hex.
func keyID(key []byte) string {
	h := sha256.Sum256(append([]byte("selvhjelpshus key id\x00"), key...))
	return hex.EncodeToString(h[:4])
}

// Current is the id of the key Seal uses.
func (k *Keyring) Current() string { return k.current }

// Seal encrypts plain under the current key and returns the key id and nonce ‖ ciphertext.
// context binds the value to where it is stored (such as "licence 12"): opened with another
// context it is ErrDamaged, so a value copied to another row is refused.
func (k *Keyring) Seal(plain []byte, context string) (string, []byte) {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24+)
	return k.current, aead.Seal(nonce, nonce, plain, []byte(context))
}

// Open decrypts a value sealed under keyID with context.
func (k *Keyring) Open(keyID string, sealed []byte, context string) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, ErrUnknownKey
	}
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, ErrDamaged
	}
	plain, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return nil, ErrDamaged
	}
	return plain, nil
}

// OpenAny decrypts a value stored without its key id, trying the current key first and then
// the earlier ones. It returns the id of the key that opened it.
func (k *Keyring) OpenAny(sealed []byte, context string) ([]byte, string, error) {
	if plain, err := k.Open(k.current, sealed, context); err == nil {
		return plain, k.current, nil
	}
	for id := range k.aeads {
		if id == k.current {
			continue
		}
		if plain, err := k.Open(id, sealed, context); err == nil {
			return plain, id, nil
		}
	}
	return nil, "", ErrDamaged
}
