package i18n

import (
	"slices"
	"strings"
	"testing"
)

// Parse gives a supported language for every code, bokmål for any it does not know, and the
// same answer whatever the case and surrounding spaces of a known code.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"nb", "en", " EN-gb ", "no", "nn", "nb-NO", "en_US", "de", "", "\x00", "ＥＮ", "İn", "eN-uS\t"} {
		f.Add(s)
	}
	known := map[string]Lang{"nb": NB, "no": NB, "nn": NB, "nb-no": NB, "no-nb": NB, "en": EN, "en-gb": EN, "en-us": EN}
	f.Fuzz(func(t *testing.T, code string) {
		l, ok := Parse(code)
		if !slices.Contains(Langs, l) {
			t.Fatalf("Parse(%q) = %q, not a supported language", code, l)
		}
		want, isKnown := known[strings.ToLower(strings.TrimSpace(code))]
		if ok != isKnown || ok && l != want || !ok && l != NB {
			t.Errorf("Parse(%q) = %q, %v", code, l, ok)
		}
		if ok {
			if l2, ok2 := Parse(string(l)); !ok2 || l2 != l {
				t.Errorf("Parse(%q) = %q, %v: a language does not parse as itself", l, l2, ok2)
			}
		}
	})
}
