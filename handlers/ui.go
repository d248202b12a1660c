package handlers

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/static"
)

// asset serves one embedded file of static/assets, named by the :name path
// parameter, with the content type of its extension; any other name is 404.
func (s *server) asset(c *gin.Context) {
	name := "assets/" + c.Param("name")
	data, err := fs.ReadFile(static.UI, name)
	if err != nil {
		s.noRoute(c)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, ct, data)
}

// noRoute answers a path no route matches with 404: a small HTML page for
// a browser asking for a page, in its language; a problem otherwise and
// always under /api/.
func (s *server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if isUIPage(p) && strings.Contains(c.GetHeader("Accept"), "text/html") {
		errorPage(c, http.StatusNotFound, "error.not_found.title", "error.not_found.text")
		return
	}
	respondError(c, &requestError{http.StatusNotFound, "not-found", "Not found", "no resource at " + p})
}

// isUIPage reports whether p may be a page of the UI rather than an API,
// asset or operations path.
func isUIPage(p string) bool {
	for _, prefix := range []string{"/api/", "/assets/", "/.well-known/", "/metrics", "/healthz", "/readyz"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	return true
}

// noMethod answers a known path asked with a method it does not serve; gin
// has set the Allow header.
func (s *server) noMethod(c *gin.Context) {
	respondError(c, &requestError{http.StatusMethodNotAllowed, "method-not-allowed", "Method not allowed",
		c.Request.Method + " is not allowed on " + c.Request.URL.Path})
}
