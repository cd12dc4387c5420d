package secrets

import (
	"bytes"
	"errors"
	"testing"
)

var (
	oldSecret = []byte("an old secret key of 32 bytes!!!")
	newSecret = []byte("the new secret key of 32 bytes!!")
)

func TestSealOpenAndRotate(t *testing.T) {
	t.Parallel()
	old, err := NewKeyring("licence", oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	id, sealed := old.Seal([]byte("hemmelig-passord"), "licence 1")
	if id != old.Current() || len(id) != 8 || bytes.Contains(sealed, []byte("hemmelig")) {
		t.Fatalf("sealed under %q: %x", id, sealed)
	}
	if _, again := old.Seal([]byte("hemmelig-passord"), "licence 1"); bytes.Equal(sealed, again) {
		t.Error("two seals of one value are equal: the nonce is not fresh")
	}
	if plain, err := old.Open(id, sealed, "licence 1"); err != nil || string(plain) != "hemmelig-passord" {
		t.Errorf("open: %q %v", plain, err)
	}
	if _, err := old.Open(id, sealed, "licence 2"); !errors.Is(err, ErrDamaged) {
		t.Errorf("opened in another row's context: %v", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := old.Open(id, tampered, "licence 1"); !errors.Is(err, ErrDamaged) {
		t.Errorf("tampered value: %v", err)
	}
	if _, err := old.Open(id, sealed[:5], "licence 1"); !errors.Is(err, ErrDamaged) {
		t.Errorf("short value: %v", err)
	}

	// After the rotation the new key seals; the old one still opens what it sealed.
	ring, err := NewKeyring("licence", newSecret, oldSecret)
	if err != nil {
		t.Fatal(err)
	}
	if ring.Current() == id {
		t.Fatal("the new key has the old key's id")
	}
	if plain, err := ring.Open(id, sealed, "licence 1"); err != nil || string(plain) != "hemmelig-passord" {
		t.Errorf("open under the previous key: %q %v", plain, err)
	}
	fresh, _ := NewKeyring("licence", newSecret)
	if _, err := fresh.Open(id, sealed, "licence 1"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("open without the previous key: %v", err)
	}
	// Another purpose derives another key from the same secret.
	other, _ := NewKeyring("totp", oldSecret)
	if other.Current() == id {
		t.Error("two purposes share a key")
	}
}

func TestOpenAnyTriesEveryKey(t *testing.T) {
	t.Parallel()
	old, _ := NewKeyring("totp", oldSecret)
	_, sealed := old.Seal([]byte("JBSWY3DPEHPK3PXP"), "")
	ring, _ := NewKeyring("totp", newSecret, oldSecret)
	plain, id, err := ring.OpenAny(sealed, "")
	if err != nil || string(plain) != "JBSWY3DPEHPK3PXP" || id != old.Current() {
		t.Errorf("OpenAny = %q %q %v", plain, id, err)
	}
	if _, _, err := (func() *Keyring { k, _ := NewKeyring("totp", newSecret); return k })().OpenAny(sealed, ""); !errors.Is(err, ErrDamaged) {
		t.Errorf("OpenAny without the key: %v", err)
	}
}
