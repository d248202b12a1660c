package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

const (
	// sessionCookie holds a browser's opaque web UI session token.
	sessionCookie = "wsis_session"
	pageUserKey   = "wsis.page_user"
)

// webUI serves the server-rendered pages. It shares the server's use cases,
// limits and configuration with the JSON API.
type webUI struct {
	*server
	// secure marks cookies Secure: the public URL is https.
	secure bool
	// crossOrigin refuses state-changing requests a browser sent from
	// another site.
	crossOrigin *http.CrossOriginProtection
}

// newWebUI is the web UI of s. Its pages trust the public URL's origin
// for forms; New has refused a public URL that does not parse.
func newWebUI(s *server) *webUI {
	w := &webUI{server: s, secure: strings.HasPrefix(s.publicURL, "https://"), crossOrigin: http.NewCrossOriginProtection()}
	if u, err := url.Parse(s.publicURL); err == nil && s.publicURL != "" {
		_ = w.crossOrigin.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	return w
}

// pageSession reads the session cookie and, when it names a live session,
// makes its user the page's user. A cookie of a session that has ended is
// cleared; the page is then served to a visitor.
func (w *webUI) pageSession() gin.HandlerFunc {
	return func(c *gin.Context) {
		raw, err := c.Cookie(sessionCookie)
		if err != nil || raw == "" {
			c.Next()
			return
		}
		user, err := w.app.BrowserSessionUser(useCase(c), raw)
		switch {
		case err == nil:
			c.Set(pageUserKey, user)
		case errors.Is(err, models.ErrUnauthorized):
			w.clearSessionCookie(c)
		default:
			logger(c).ErrorContext(c.Request.Context(), "browser session not read", "err", err)
			errorPage(c, http.StatusInternalServerError, "error.internal.title", "error.internal.text")
			c.Abort()
			return
		}
		c.Next()
	}
}

// requirePageUser sends a visitor to the login form, which brings them
// back to the page they asked for; a form sent without a session (it
// expired) returns to the profile, since its address is no page to show.
func requirePageUser() gin.HandlerFunc {
	return func(c *gin.Context) {
		if _, ok := pageUser(c); !ok {
			var back url.Values
			if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
				back = url.Values{"next": {c.Request.URL.RequestURI()}}
			}
			redirect(c, "/login", back)
			c.Abort()
			return
		}
		c.Next()
	}
}

// pageUser is the signed-in user of a page, if any.
func pageUser(c *gin.Context) (models.User, bool) {
	v, ok := c.Get(pageUserKey)
	if !ok {
		return models.User{}, false
	}
	u, ok := v.(models.User)
	return u, ok
}

// refuseCrossSite answers a page saying so to a state-changing request a
// browser sent from another site (net/http's CrossOriginProtection, from
// Sec-Fetch-Site or else Origin), beside the session cookie's SameSite=Lax.
func (w *webUI) refuseCrossSite() gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := w.crossOrigin.Check(c.Request); err != nil {
			errorPage(c, http.StatusForbidden, "error.cross_origin.title", "error.cross_origin.text")
			c.Abort()
			return
		}
		c.Next()
	}
}

// setSessionCookie gives the browser the session token raw: HttpOnly, so
// scripts cannot read it; SameSite=Lax, so other sites' forms do not carry
// it; Secure under an https public URL.
func (w *webUI) setSessionCookie(c *gin.Context, raw string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: raw, Path: "/",
		MaxAge: int(expires.Sub(w.clock.Now()).Seconds()), HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}

func (w *webUI) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
}
