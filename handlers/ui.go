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

// noRoute answers a path no route matches: an embedded UI asset, the UI
// shell for a page of the UI (links in mails such as /verify-email), or a
// 404 problem, always for anything under /api/.
func (s *server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	isRead := c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead
	if isRead && strings.HasPrefix(p, "/assets/") {
		name := strings.TrimPrefix(path.Clean(p), "/")
		if data, err := fs.ReadFile(static.UI, name); err == nil {
			ct := mime.TypeByExtension(path.Ext(name))
			if ct == "" {
				ct = "application/octet-stream"
			}
			c.Header("Cache-Control", "public, max-age=300")
			c.Data(http.StatusOK, ct, data)
			return
		}
	}
	if isRead && isUIPage(p) && strings.Contains(c.GetHeader("Accept"), "text/html") {
		s.uiShell(c)
		return
	}
	respondError(c, &requestError{http.StatusNotFound, "not-found", "Not found", "no resource at " + p})
}

// isUIPage reports whether p may be a page of the UI rather than an API or
// operations path.
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
