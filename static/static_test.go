package static_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/wsis-platform/wsis/static"
)

// The API description the server serves is the repository's openapi.yaml,
// the one CI lints: static/openapi.yaml is its copy for embedding, and a
// change to one without the other fails here.
func TestOpenAPI_ServedCopyIsTheRepositoryDocument(t *testing.T) {
	doc, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc, static.OpenAPI) {
		t.Fatal("static/openapi.yaml differs from openapi.yaml: copy openapi.yaml over it")
	}
}
