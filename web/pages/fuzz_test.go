package pages_test

import (
	"net/url"
	"testing"

	"github.com/linkoslo/selvhjelpshuset/web/pages"
)

// The catalogue's address reads into a query of known choices only: its filter is one that
// groups.Filter.Normalise leaves as it is (but for a theme that cannot be a slug, which it
// drops), and the query written back into an address reads as the same query.
func FuzzCatalogueQuery(f *testing.F) {
	for _, s := range []string{"tema=sorg-og-tap&dag=2&tid=kveld&ledig=1", "format=huset&format=digitalt", "dag=0&dag=8&dag=%2B3&dag=03",
		"tid=night&format=house&ledig=true", "tema=%00&dag=%ff", "tema=+Sorg+og+tap+&ledig=1&ledig=0", "dag=9223372036854775808", "%zz", ";"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		q := pages.CatalogueQueryOf(v)
		fl := q.Filter()
		norm := fl
		norm.Normalise()
		if norm.Format != fl.Format || norm.Weekday != fl.Weekday || norm.DayPart != fl.DayPart || norm.TakesMembers != fl.TakesMembers {
			t.Errorf("%q: query %+v gives the filter %+v, which normalises to %+v", raw, q, fl, norm)
		}
		if q.Free != (v.Get("ledig") == "1") || q.Day != "" && fl.Weekday == 0 || q.Format != "" && fl.Format == "" || q.Time != "" && fl.DayPart == "" {
			t.Errorf("%q: query %+v, filter %+v", raw, q, fl)
		}
		if norm.Theme != "" && norm.Theme != q.Theme {
			t.Errorf("%q: theme %q filters on %q", raw, q.Theme, norm.Theme)
		}
		back := url.Values{}
		for k, s := range map[string]string{"tema": q.Theme, "format": q.Format, "dag": q.Day, "tid": q.Time} {
			if s != "" {
				back.Set(k, s)
			}
		}
		if q.Free {
			back.Set("ledig", "1")
		}
		if again := pages.CatalogueQueryOf(back); again != q {
			t.Errorf("%q: query %+v is %q in an address, which reads as %+v", raw, q, back.Encode(), again)
		}
	})
}
