// Package static holds the web UI (page templates, the catalogue of each
// language, styles and scripts) and the OpenAPI description, embedded in the
// binary so that the server needs no files beside it.
package static

import (
	"embed"
	"io/fs"
)

//go:embed index.html assets
var files embed.FS

// UI is the web UI's file tree: index.html at its root, assets under assets/.
var UI fs.FS = files

//go:embed i18n
var catalogues embed.FS

// Catalogues holds one message catalogue per language, CODE.json at its
// root (package locale reads them).
var Catalogues = sub(catalogues, "i18n")

// OpenAPI is the hand-written OpenAPI 3.0 description of the HTTP API.
//
//go:embed openapi.yaml
var OpenAPI []byte

func sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is embedded above
	}
	return s
}
