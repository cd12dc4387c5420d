package i18n

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCatalogueLoads(t *testing.T) {
	t.Parallel()
	if err := Check(); err != nil {
		t.Fatal(err)
	}
}

// Every message exists in both languages: nb is complete and en is complete.
func TestLanguagesHaveTheSameMessages(t *testing.T) {
	t.Parallel()
	nb, en := IDs(NB), IDs(EN)
	if len(nb) == 0 {
		t.Fatal("no messages loaded")
	}
	for _, id := range nb {
		if !slices.Contains(en, id) {
			t.Errorf("%q is in nb.json but missing in en.json", id)
		}
	}
	for _, id := range en {
		if !slices.Contains(nb, id) {
			t.Errorf("%q is in en.json but missing in nb.json", id)
		}
	}
}

// literalID finds message ids written out in code: T(ctx, "a.b"), Translate(l, "a.b"), and the
// navigation table's {"nav.x", …}.
var literalID = regexp.MustCompile(`(?:\bT\(ctx, |Translate\([a-zA-Z.]+, |\{)"([a-z][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9-]+)+)"`)

// Every id the code uses literally is in the catalogue, so no page shows a raw id.
func TestEveryUsedIDExists(t *testing.T) {
	t.Parallel()
	known := IDs(NB)
	found := 0
	eachSource(t, func(p, src string) {
		if filepath.Base(filepath.Dir(p)) == "i18n" {
			return
		}
		for _, m := range literalID.FindAllStringSubmatch(src, -1) {
			found++
			if !slices.Contains(known, m[1]) {
				t.Errorf("%s uses message %q, which is not in the catalogue", p, m[1])
			}
		}
	})
	if found < 10 {
		t.Errorf("found only %d message uses; the pattern no longer matches the code", found)
	}
}

// eachSource calls read with the path and text of every Go and templ source file of the
// project that may translate: not tests, not generated templ code, not vendored files.
func eachSource(t *testing.T, read func(path, src string)) {
	t.Helper()
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && p != root || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, ".templ") || strings.HasSuffix(p, "_templ.go") ||
			strings.HasSuffix(p, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		read(p, string(src))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestTranslate(t *testing.T) {
	t.Parallel()
	ctx := WithLang(context.Background(), EN)
	if got := T(ctx, "nav.privacy"); got != "Privacy" {
		t.Errorf("en nav.privacy = %q", got)
	}
	if got := T(context.Background(), "nav.privacy"); got != "Personvern" {
		t.Errorf("default nb nav.privacy = %q", got)
	}
	if got := T(ctx, "no.such.id"); got != "no.such.id" {
		t.Errorf("unknown id = %q, want the id", got)
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Lang{"nb": NB, "NO": NB, "en": EN, "en-GB": EN} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, ok)
		}
	}
	if got, ok := Parse("sv"); ok || got != NB {
		t.Errorf("Parse(sv) = %q, %v; want nb, false", got, ok)
	}
}
