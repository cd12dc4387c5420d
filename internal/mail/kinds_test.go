package mail

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// Every kind of message has a name in the dev mailbox and SMS inbox, in both languages: a kind
// added without one would show its raw key there. The kinds are read from this package's
// source, so a new constant is checked without a list to keep.
func TestEveryKindHasADevInboxName(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			spec, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			if id, ok := spec.Type.(*ast.Ident); !ok || id.Name != "Kind" {
				return true
			}
			for _, v := range spec.Values {
				if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					kinds = append(kinds, s)
				}
			}
			return true
		})
	}
	if len(kinds) < 16 {
		t.Fatalf("found only %d kinds in the source: %v", len(kinds), kinds)
	}
	for _, k := range kinds {
		for _, l := range i18n.Langs {
			if key := "devmailbox.kind." + k; i18n.Translate(l, key) == key {
				t.Errorf("kind %q has no %s name (%s)", k, l, key)
			}
		}
	}
}
