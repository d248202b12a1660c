package handlers

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/static"
)

// catalogues are the UI's texts in every language.
var catalogues = locale.Builtin()

// pageTemplates holds each page of static/templates/pages parsed with the
// layout and its shared blocks, by file name without ".html".
var pageTemplates = func() map[string]*template.Template {
	layout := template.Must(template.New("layout.html").Funcs(pageFuncs).ParseFS(static.Templates, "layout.html"))
	names, err := fs.Glob(static.Templates, "pages/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		t := template.Must(template.Must(layout.Clone()).ParseFS(static.Templates, name))
		pages[name[len("pages/"):len(name)-len(".html")]] = t
	}
	return pages
}()

// pageView is what the layout shows around every page.
type pageView struct {
	L *locale.Locale
	// Title is the page's own title; the layout adds the platform's name.
	Title string
	// Description is the meta description of a public page.
	Description string
	// Public pages carry hreflang alternates, one per language.
	Public bool
	// Languages are the page in every language, for the switcher and the
	// alternates; Canonical is the page without a language chosen.
	Languages []languageLink
	Canonical string
	// User is the signed-in user, nil for a visitor.
	User *models.User
	// Notice is a confirmation, announced by a live region.
	Notice string
	// Form is the form's submitted values, shown again with its Errors,
	// its invalid fields in the form's order.
	Form   url.Values
	Errors []fieldError
	// Data is the page's own content.
	Data any
}

// languageLink is the current page in one language.
type languageLink struct {
	Code, Name string
	// Href switches to the language (and remembers it); Absolute is the
	// same address under the public URL, for hreflang.
	Href, Absolute string
	Current        bool
}

// fieldError is a form field's error, said in the page's language.
type fieldError struct {
	Field, Message string
}

// notices are the confirmations a page shows when a form sent the browser
// to it with ?done=NAME, by name.
var notices = map[string]string{
	"logout": "logout.done", "reset": "reset.done", "forgot": "forgot.done", "verified": "verify.done",
	"profile": "profile.saved", "resent": "profile.resent",
}

// newView is the frame of a page for the request: its language, the
// signed-in user, the links to the page in every language.
func (w *webUI) newView(c *gin.Context) *pageView {
	l := pageLocale(c)
	v := &pageView{L: l}
	if key, ok := notices[c.Query("done")]; ok {
		v.Notice = l.T(key)
	}
	if u, ok := pageUser(c); ok {
		v.User = &u
	}
	q := c.Request.URL.Query()
	q.Del(langParam)
	q.Del("done") // a confirmation is shown once, not in every language
	canonical := c.Request.URL.Path
	if len(q) > 0 {
		canonical += "?" + q.Encode()
	}
	v.Canonical = w.publicURL + canonical
	for _, other := range catalogues.All() {
		q.Set(langParam, other.Code)
		href := c.Request.URL.Path + "?" + q.Encode()
		v.Languages = append(v.Languages, languageLink{Code: other.Code, Name: other.Name(), Href: href,
			Absolute: w.publicURL + href, Current: other.Code == l.Code})
	}
	return v
}

// render answers the page name with status. Pages differ by language and
// by who is signed in, so they are not stored by shared caches.
func (w *webUI) render(c *gin.Context, status int, name string, v *pageView) {
	renderPage(c, status, name, v)
}

func renderPage(c *gin.Context, status int, name string, v *pageView) {
	t, ok := pageTemplates[name]
	if !ok {
		respondError(c, errNoTemplate(name))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		logger(c).ErrorContext(c.Request.Context(), "page not rendered", "page", name, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(v.L.T("error.internal.text")))
		return
	}
	c.Header("Cache-Control", "no-cache, private")
	vary(c.Writer.Header(), "Accept-Language")
	vary(c.Writer.Header(), "Cookie")
	c.Header("Content-Language", v.L.Code)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

type errNoTemplate string

func (e errNoTemplate) Error() string { return "handlers: no page template " + string(e) }

// errorPage answers a page that says what went wrong, in the request's
// language, with status.
func errorPage(c *gin.Context, status int, titleKey, textKey string) {
	l := pageLocale(c)
	v := &pageView{L: l, Title: l.T(titleKey), Data: l.T(textKey)}
	if u, ok := pageUser(c); ok {
		v.User = &u
	}
	for _, other := range catalogues.All() {
		v.Languages = append(v.Languages, languageLink{Code: other.Code, Name: other.Name(),
			Href: "/?" + langParam + "=" + other.Code, Current: other.Code == l.Code})
	}
	renderPage(c, status, "error", v)
}

// redirect answers 303 See Other to target, a path of the platform, with
// the query values, after a form was handled.
func redirect(c *gin.Context, target string, values url.Values) {
	if len(values) > 0 {
		target += "?" + values.Encode()
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusSeeOther, target)
}

// localPath reports whether p is a path of this platform to send a browser
// back to (after login): absolute, and neither another host ("//host") nor
// a backslash that browsers read as a slash.
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.ContainsAny(p, "\\\r\n")
}
