// Package static holds the web UI and the OpenAPI description, embedded in
// the binary so that the server needs no files beside it.
package static

import (
	"embed"
	"io/fs"
)

//go:embed index.html assets
var files embed.FS

// UI is the web UI's file tree: index.html at its root, assets under assets/.
var UI fs.FS = files

// OpenAPI is the hand-written OpenAPI 3.0 description of the HTTP API.
//
//go:embed openapi.yaml
var OpenAPI []byte
