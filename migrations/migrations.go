// Package migrations holds the database schema as goose SQL files, embedded in the binary.
package migrations

import "embed"

// FS holds every migration file. Files are applied in the order of their numeric prefix and
// are never edited after they land: a change is a new file.
//
//go:embed *.sql
var FS embed.FS
