// Package static holds the web UI (page templates, the catalogue of each
// language, styles and scripts) and the OpenAPI description, embedded in the
// binary so that the server needs no files beside it.
package static

import (
	"embed"
	"io/fs"
)

//go:embed assets
var files embed.FS

// UI is the web UI's assets, the styles and scripts pages load, under
// assets/.
var UI fs.FS = files

//go:embed i18n templates
var ui embed.FS

// Templates holds the page templates: layout.html, the layout and the
// blocks pages share, and pages/NAME.html, one per page.
var Templates = sub(ui, "templates")

// Catalogues holds one message catalogue per language, CODE.json at its
// root (package locale reads them).
var Catalogues = sub(ui, "i18n")

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
