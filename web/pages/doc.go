// Package pages holds the app's pages as templ components, one .templ file per area of the
// site that matches a handler file in internal/server (catalogue.templ ↔ catalogue.go,
// rooms.templ ↔ rooms.go …), and the view models those handlers fill: a small struct where
// a screen's shape differs from the feature's data (a page's rows, its pager, the form as
// typed and its errors). Pages read feature types (groups.Group, rooms.Booking …) and their
// methods, format for people through internal/i18n, and never query the database or decide
// a rule: what a page shows follows from what its handler passes in. The generated
// *_templ.go files are committed; make generate writes them and make lint fails when they
// are stale.
package pages
