package handlers

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/store/search"
)

// sitemapMax is the most addresses one sitemap may list (sitemaps.org).
const sitemapMax = 50_000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemap lists the public pages that search engines should find: the home
// page, the catalogue, its statistics and every published project (from
// the catalogue's read model, oldest first), each with the day it was
// published. Each page
// names its other languages itself (hreflang).
func (w *webUI) sitemap(c *gin.Context) {
	set := urlSet{NS: "http://www.sitemaps.org/schemas/sitemap/0.9",
		URLs: []sitemapURL{{Loc: w.publicURL + "/"}, {Loc: w.publicURL + "/projects"}, {Loc: w.publicURL + "/stats"}}}
	q := search.CatalogueQuery{Sort: "oldest", Limit: 1000}
	for len(set.URLs) < sitemapMax {
		res, err := w.search.Catalogue(c.Request.Context(), q)
		if err != nil {
			respondError(c, err)
			return
		}
		for _, p := range res.Items {
			u := sitemapURL{Loc: w.publicURL + "/projects/" + p.ID}
			if p.PublishedAt != nil {
				u.LastMod = p.PublishedAt.UTC().Format(time.DateOnly)
			}
			set.URLs = append(set.URLs, u)
		}
		if res.Next == nil {
			break
		}
		q.After = res.Next
	}
	if len(set.URLs) > sitemapMax {
		set.URLs = set.URLs[:sitemapMax]
	}
	body, err := xml.Marshal(set)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), body...))
}

// robots points search engines to the sitemap.
func (w *webUI) robots(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=3600")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte("User-agent: *\nAllow: /\nSitemap: "+w.publicURL+"/sitemap.xml\n"))
}
