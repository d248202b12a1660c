package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
)

const (
	// langParam in a page's query shows the page in that language and
	// remembers the choice: the language switcher links to it, and hreflang
	// alternates name it, so that each language of a page has its own URL.
	langParam = "lang"
	// langCookie remembers the language a browser chose.
	langCookie = "wsis_lang"
	localeKey  = "wsis.locale"
	langMaxAge = 365 * 24 * 60 * 60
)

// pageLanguage chooses the page's language: the lang query parameter (which
// is then remembered in a cookie), else the remembered one, else the best
// match of Accept-Language, else English.
func (w *webUI) pageLanguage() gin.HandlerFunc {
	return func(c *gin.Context) {
		if code := c.Query(langParam); code != "" {
			if l, ok := catalogues.Locale(code); ok {
				http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: l.Code, Path: "/", MaxAge: langMaxAge,
					HttpOnly: true, Secure: w.secure, SameSite: http.SameSiteLaxMode})
				c.Set(localeKey, l)
			}
		}
		c.Next()
	}
}

// pageLocale is the language of the page the request asks for
// (pageLanguage), or for a request that met no page route, the remembered
// or the Accept-Language one.
func pageLocale(c *gin.Context) *locale.Locale {
	if v, ok := c.Get(localeKey); ok {
		if l, ok := v.(*locale.Locale); ok {
			return l
		}
	}
	l := requestLocale(c)
	c.Set(localeKey, l)
	return l
}

func requestLocale(c *gin.Context) *locale.Locale {
	if code := c.Query(langParam); code != "" {
		if l, ok := catalogues.Locale(code); ok {
			return l
		}
	}
	if code, err := c.Cookie(langCookie); err == nil {
		if l, ok := catalogues.Locale(code); ok {
			return l
		}
	}
	return catalogues.Match(c.GetHeader("Accept-Language"))
}
