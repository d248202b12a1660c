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

// uiShell serves the web UI's page; the UI's own script routes within it.
func (s *server) uiShell(c *gin.Context) {
	page, err := fs.ReadFile(static.UI, "index.html")
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", page)
}

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

// notFoundPage is the page a browser sees for a path no route matches.
const notFoundPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page not found · WSIS Stocktaking &amp; Prizes</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<main id="main">
  <h1>Page not found</h1>
  <p>There is no page at this address. <a href="/">Go to the home page</a>.</p>
</main>
</body>
</html>
`

// noRoute answers a path no route matches with 404: a small HTML page for
// a browser asking for a page, a problem otherwise and always under /api/.
func (s *server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if isUIPage(p) && strings.Contains(c.GetHeader("Accept"), "text/html") {
		c.Header("Cache-Control", "no-cache")
		c.Data(http.StatusNotFound, "text/html; charset=utf-8", []byte(notFoundPage))
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
