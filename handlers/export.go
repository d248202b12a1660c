package handlers

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

var exportColumns = []string{"id", "title", "summary", "description", "organization", "stakeholder_type", "countries",
	"regions", "coverage", "action_lines", "sdgs", "gdc_objectives", "status", "start_date", "end_date", "website",
	"partners", "published_at"}

// exportProjects streams every published project as CSV or JSON, public
// fields only (never a contact email), reading the store with a cursor so
// that memory does not grow with the number of projects.
func (s *server) exportProjects(c *gin.Context) {
	format := c.DefaultQuery("format", "csv")
	if format != "csv" && format != "json" {
		respondError(c, models.Invalid("format", "must be csv or json"))
		return
	}
	day := s.clock.Now().Format("2006-01-02")
	name := "wsis-stocktaking-" + day + "." + format
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	// The export is the published entries, whose every change moves the
	// search index's generation: one ETag per generation, format and day
	// (the file name's), so a client or a shared cache holding it gets 304
	// instead of the whole catalogue again. The body is streamed, never held.
	if notModified(c, `"export-`+format+"-"+day+"-"+strconv.FormatInt(s.search.Generation(), 36)+`"`) {
		return
	}
	ctx := c.Request.Context()
	var err error
	if format == "csv" {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Status(http.StatusOK)
		w := csv.NewWriter(c.Writer)
		_ = w.Write(exportColumns)
		err = s.store.EachPublishedProject(ctx, func(p models.Project) error {
			if err := w.Write(csvRow(p.Public())); err != nil {
				return err
			}
			w.Flush()
			return w.Error()
		})
		w.Flush()
	} else {
		c.Header("Content-Type", "application/json; charset=utf-8")
		c.Status(http.StatusOK)
		_, _ = c.Writer.WriteString("[")
		enc := json.NewEncoder(c.Writer)
		first := true
		err = s.store.EachPublishedProject(ctx, func(p models.Project) error {
			if !first {
				if _, err := c.Writer.WriteString(","); err != nil {
					return err
				}
			}
			first = false
			return enc.Encode(p.Public())
		})
		_, _ = c.Writer.WriteString("]\n")
	}
	if err != nil {
		// The status is sent; the truncated body and the log tell of it.
		logger(c).ErrorContext(ctx, "project export cut short", "err", err)
	}
}

func csvRow(p models.PublicProject) []string {
	ints := func(xs []int) string {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = strconv.Itoa(x)
		}
		return strings.Join(parts, ";")
	}
	regions := make([]string, len(p.Regions))
	for i, r := range p.Regions {
		regions[i] = string(r)
	}
	published := ""
	if p.PublishedAt != nil {
		published = p.PublishedAt.UTC().Format(time.RFC3339)
	}
	row := []string{p.ID, p.Title, p.Summary, p.Description, p.Organization, string(p.StakeholderType),
		strings.Join(p.Countries, ";"), strings.Join(regions, ";"), p.Coverage, strings.Join(p.ActionLines, ";"),
		ints(p.SDGs), ints(p.GDCObjectives), p.Status, p.StartDate, p.EndDate, p.Website, strings.Join(p.Partners, ";"), published}
	for i, cell := range row {
		row[i] = defuseFormula(cell)
	}
	return row
}

// defuseFormula keeps a spreadsheet from running a cell as a formula: text
// that starts with = + - @ or a control character gets a leading apostrophe
// (OWASP's advice on CSV injection).
func defuseFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
