package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// getAndHead are the methods every read route answers: gin does not answer
// HEAD for a GET route by itself. The HEAD answer runs the GET's handlers,
// so it has the GET's status and headers; net/http sends no body with it.
var getAndHead = []string{http.MethodGet, http.MethodHead}

// headRouter is a route group whose GET routes also answer HEAD.
type headRouter struct{ *gin.RouterGroup }

// GET registers handlers for GET and HEAD on path.
func (g headRouter) GET(path string, handlers ...gin.HandlerFunc) {
	g.Match(getAndHead, path, handlers...)
}

// Group is a subgroup whose GET routes also answer HEAD.
func (g headRouter) Group(path string, handlers ...gin.HandlerFunc) headRouter {
	return headRouter{g.RouterGroup.Group(path, handlers...)}
}
