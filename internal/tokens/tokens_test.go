package tokens

import (
	"bytes"
	"testing"
)

func TestTokensAreLongRandomAndHashStably(t *testing.T) {
	t.Parallel()
	a, b := New(), New()
	if a == b || len(a) != 43 {
		t.Errorf("tokens %q %q", a, b)
	}
	if !bytes.Equal(Hash(a), Hash(a)) || bytes.Equal(Hash(a), Hash(b)) || len(Hash(a)) != 32 {
		t.Error("Hash is not a stable SHA-256")
	}
}
