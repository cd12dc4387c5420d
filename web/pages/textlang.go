package pages

import (
	"context"
	"strings"

	"github.com/a-h/templ"

	"github.com/linkoslo/selvhjelpshuset/internal/groups"
	"github.com/linkoslo/selvhjelpshuset/internal/i18n"
)

// nbText is the lang attribute of text that exists in Norwegian only (a group's name, an
// event's title and description): lang="nb" on a page in another language, so that a screen
// reader reads it with Norwegian pronunciation (WCAG 3.1.2), and nothing on a Norwegian page.
func nbText(ctx context.Context) templ.Attributes {
	if i18n.LangOf(ctx) == i18n.NB {
		return nil
	}
	return templ.Attributes{"lang": string(i18n.NB)}
}

// themeNameLang is the lang attribute of a theme's name: lang="nb" when the page is in
// English and the theme has no English name, so its Norwegian one is shown.
func themeNameLang(ctx context.Context, t groups.Theme) templ.Attributes {
	if i18n.LangOf(ctx) == i18n.EN && t.NameEN != "" {
		return nil
	}
	return nbText(ctx)
}

// themeDescriptionLang is the lang attribute of a theme's description, like themeNameLang.
func themeDescriptionLang(ctx context.Context, t groups.Theme) templ.Attributes {
	if i18n.LangOf(ctx) == i18n.EN && t.DescriptionEN != "" {
		return nil
	}
	return nbText(ctx)
}

// groupDescriptionLang is the lang attribute of a group's description, like themeNameLang.
func groupDescriptionLang(ctx context.Context, g groups.Group) templ.Attributes {
	if i18n.LangOf(ctx) == i18n.EN && g.DescriptionEN != "" {
		return nil
	}
	return nbText(ctx)
}

// nameMark stands in for a Norwegian name while its sentence is translated, so that the
// name can be marked apart from the words around it.
const nameMark = "\uE000"

// sentenceAround is the message id translated with key set to a mark, cut at the mark: the
// words before the name and after it. Without the mark, the whole sentence is before.
func sentenceAround(ctx context.Context, id, key string) (before, after string) {
	before, after, _ = strings.Cut(i18n.T(ctx, id, key, nameMark), nameMark)
	return before, after
}
