// Package i18n is the message catalogue: every user-facing string, in Norwegian bokmål first
// and English second, looked up by id. The language of a request travels in its context.
//
// Messages live in nb.json and en.json, and in one pair of files per feature area named
// <area>.nb.json and <area>.en.json (mail.nb.json …), all embedded in the binary. Plain messages are resolved
// from a map; messages with {{.Placeholders}} or plural forms go through go-i18n, which knows
// the CLDR plural rules of both languages.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is a supported language code.
type Lang string

// The supported languages. Norwegian bokmål is the default.
const (
	NB Lang = "nb"
	EN Lang = "en"
)

// Langs lists the supported languages in the order they are offered.
var Langs = []Lang{NB, EN}

// Parse returns the language for a code, and false when it is not supported.
func Parse(code string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(code)) {
	case "nb", "no", "nn", "nb-no", "no-nb":
		return NB, true
	case "en", "en-gb", "en-us":
		return EN, true
	}
	return NB, false
}

//go:embed *.json
var files embed.FS

// filesOf lists the message files of one language: nb.json and every <area>.nb.json.
func filesOf(l Lang) ([]string, error) {
	names, err := fs.Glob(files, "*.json")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if n == string(l)+".json" || strings.HasSuffix(n, "."+string(l)+".json") {
			out = append(out, n)
		}
	}
	return out, nil
}

type catalogue struct {
	bundle *goi18n.Bundle
	plain  map[Lang]map[string]string
	local  map[Lang]*goi18n.Localizer
	ids    map[Lang][]string
}

var load = sync.OnceValues(func() (*catalogue, error) {
	c := &catalogue{
		bundle: goi18n.NewBundle(language.Norwegian),
		plain:  map[Lang]map[string]string{},
		local:  map[Lang]*goi18n.Localizer{},
		ids:    map[Lang][]string{},
	}
	for _, l := range Langs {
		names, err := filesOf(l)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", l, err)
		}
		c.plain[l] = map[string]string{}
		for _, name := range names {
			mf, err := c.bundle.LoadMessageFileFS(files, name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for _, m := range mf.Messages {
				if slices.Contains(c.ids[l], m.ID) {
					return nil, fmt.Errorf("i18n: %s: message %q is defined twice", name, m.ID)
				}
				c.ids[l] = append(c.ids[l], m.ID)
				if m.One == "" && !strings.Contains(m.Other, "{{") {
					c.plain[l][m.ID] = m.Other
				}
			}
		}
		sort.Strings(c.ids[l])
		c.local[l] = goi18n.NewLocalizer(c.bundle, string(l))
	}
	return c, nil
})

// Check loads the catalogue and reports a broken message file; call it at start-up.
func Check() error {
	_, err := load()
	return err
}

// IDs returns every message id of a language, sorted (for the completeness test).
func IDs(l Lang) []string {
	c, err := load()
	if err != nil {
		return nil
	}
	return c.ids[l]
}

type ctxKey struct{}

// WithLang returns a context that carries the language l.
func WithLang(ctx context.Context, l Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// LangOf returns the language carried by ctx, or Norwegian.
func LangOf(ctx context.Context) Lang {
	if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
		return l
	}
	return NB
}

// T translates id into the language of ctx. kv are placeholder name/value pairs, as in slog:
// T(ctx, "groups.places", "Count", 3). A "Count" pair also selects the plural form (CLDR's
// rules of the language), and an int count is written as the language writes numbers. Every
// message with a number in it takes that number as Count and has plural forms (a test holds
// the catalogue to it). An unknown id returns the id itself, which the catalogue tests catch.
func T(ctx context.Context, id string, kv ...any) string {
	return Translate(LangOf(ctx), id, kv...)
}

// Translate is T for an explicit language.
func Translate(l Lang, id string, kv ...any) string {
	c, err := load()
	if err != nil {
		return id
	}
	if len(kv) == 0 {
		if s, ok := c.plain[l][id]; ok {
			return s
		}
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			data[k] = kv[i+1]
			if k == "Count" {
				cfg.PluralCount = kv[i+1]
				if n, ok := kv[i+1].(int); ok {
					data[k] = Int(l, n) // "1 234" in Norwegian, as the rest of the page writes numbers
				}
			}
		}
		cfg.TemplateData = data
	}
	s, err := c.local[l].Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Around translates the plural message id for the count n and returns the text before and
// after the number, so that a page can set the number apart (in bold, a link) while the
// words around it still agree with it: "1 forespørsel", "2 forespørsler".
func Around(ctx context.Context, id string, n int) (before, after string) {
	const mark = "\x00"
	c, err := load()
	if err != nil {
		return id, ""
	}
	s, err := c.local[LangOf(ctx)].Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n,
		TemplateData: map[string]any{"Count": mark}})
	if err != nil {
		return id, ""
	}
	before, after, _ = strings.Cut(s, mark)
	return before, after
}
