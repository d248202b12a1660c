package handlers

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

var nominationColumns = []string{"id", "contest", "category", "category_code", "project_id", "project_title", "organization",
	"countries", "nominator_id", "state", "ineligible_reason", "implementation", "short_description", "impact", "sdg_linkage",
	"partnerships", "challenges", "created_at", "updated_at"}

func nominationRow(n models.Nomination) []string {
	return []string{n.ID, strconv.Itoa(n.Contest), strconv.Itoa(n.Category), models.ActionLines[n.Category-1].Code,
		n.ProjectID, n.ProjectTitle, n.Organization, strings.Join(n.Countries, ";"), n.NominatorID, string(n.State),
		n.IneligibleReason, n.Implementation, n.ShortDescription, n.Impact, n.SDGLinkage, n.Partnerships, n.Challenges,
		n.CreatedAt.UTC().Format(time.RFC3339), n.UpdatedAt.UTC().Format(time.RFC3339)}
}

// exportContest streams a contest's data for admins as CSV or XLSX: its
// nominations, its reviews, or its results once published (with the
// reviewers' picks per champion, which the public never sees).
func (s *server) exportContest(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	what, format := c.DefaultQuery("what", "nominations"), c.DefaultQuery("format", "csv")
	if what != "nominations" && what != "reviews" && what != "results" && what != "votes" {
		respondError(c, models.Invalid("what", "must be nominations, reviews, results or votes"))
		return
	}
	if format != "csv" && format != "xlsx" {
		respondError(c, models.Invalid("format", "must be csv or xlsx"))
		return
	}
	if what == "votes" {
		s.exportVotes(c, year, format)
		return
	}
	ctx := c.Request.Context()
	contest, err := s.store.Contest(ctx, year)
	if err != nil {
		respondError(c, err)
		return
	}
	list, err := s.store.Nominations(ctx, store.NominationQuery{Contest: year})
	if err != nil {
		respondError(c, err)
		return
	}
	var rows [][]string
	switch what {
	case "nominations":
		rows = append(rows, nominationColumns)
		for _, n := range list {
			rows = append(rows, nominationRow(n))
		}
	case "reviews":
		rows, err = s.reviewRows(c, contest, list)
	case "results":
		rows, err = s.resultRows(c, year)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	name := fmt.Sprintf("wsis-prizes-%d-%s.%s", year, what, format)
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	if format == "csv" {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Status(http.StatusOK)
		w := csv.NewWriter(c.Writer)
		for _, r := range rows {
			for i := range r {
				r[i] = defuseFormula(r[i])
			}
			_ = w.Write(r)
		}
		w.Flush()
		return
	}
	if err := writeXLSX(c, what, rows); err != nil {
		logger(c).ErrorContext(ctx, "contest export cut short", "err", err)
	}
}

// exportVotes streams the contest's votes, voters hashed and no client
// data, as CSV or XLSX (app.Service.ExportVotes), row by row: a million
// votes need no more memory than a few (excelize's stream writer spills to
// a temporary file).
func (s *server) exportVotes(c *gin.Context, year int, format string) {
	attach := func(contentType string) {
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="wsis-prizes-%d-votes.%s"`, year, format))
		c.Header("Cache-Control", "no-store")
		c.Header("Content-Type", contentType)
		c.Status(http.StatusOK)
	}
	if format == "xlsx" {
		x, err := newXLSXStream("votes")
		if err == nil {
			defer x.close()
			if err = x.row(app.VoteExportColumns); err == nil {
				err = s.app.ExportVotes(useCase(c), currentUser(c), year, x.row)
			}
		}
		if err != nil {
			respondError(c, err)
			return
		}
		attach(xlsxContentType)
		if err := x.writeTo(c.Writer); err != nil {
			logger(c).ErrorContext(c.Request.Context(), "vote export cut short", "err", err)
		}
		return
	}
	// The CSV's header goes out with its first row, so that a refusal is
	// still a problem answer.
	w, started := csv.NewWriter(c.Writer), false
	begin := func() {
		if !started {
			started = true
			attach("text/csv; charset=utf-8")
			_ = w.Write(app.VoteExportColumns)
		}
	}
	err := s.app.ExportVotes(useCase(c), currentUser(c), year, func(r []string) error {
		begin()
		for i := range r {
			r[i] = defuseFormula(r[i])
		}
		return w.Write(r)
	})
	if err != nil && !started {
		respondError(c, err)
		return
	}
	if err != nil {
		logger(c).ErrorContext(c.Request.Context(), "vote export cut short", "err", err)
	}
	begin() // a contest without votes: the header alone
	w.Flush()
}

const xlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxStream is a workbook of one sheet written row by row with excelize's
// stream writer.
type xlsxStream struct {
	f  *excelize.File
	sw *excelize.StreamWriter
	n  int
}

func newXLSXStream(sheet string) (*xlsxStream, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		_ = f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &xlsxStream{f: f, sw: sw}, nil
}

func (x *xlsxStream) row(r []string) error {
	cells := make([]any, len(r))
	for j, v := range r {
		cells[j] = v
	}
	x.n++
	cell, _ := excelize.CoordinatesToCellName(1, x.n)
	return x.sw.SetRow(cell, cells)
}

func (x *xlsxStream) writeTo(w io.Writer) error {
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(w)
}

func (x *xlsxStream) close() { _ = x.f.Close() }

// writeXLSX answers rows as a workbook of one sheet.
func writeXLSX(c *gin.Context, sheet string, rows [][]string) error {
	x, err := newXLSXStream(sheet)
	if err != nil {
		return err
	}
	defer x.close()
	for _, r := range rows {
		if err := x.row(r); err != nil {
			return err
		}
	}
	c.Header("Content-Type", xlsxContentType)
	c.Status(http.StatusOK)
	return x.writeTo(c.Writer)
}

// reviewRows are a contest's reviews, one row per assignment, with a column
// per criterion.
func (s *server) reviewRows(c *gin.Context, contest models.Contest, nominations []models.Nomination) ([][]string, error) {
	assignments, err := s.store.Assignments(c.Request.Context(), store.AssignmentQuery{Contest: contest.Year})
	if err != nil {
		return nil, err
	}
	titles := map[string]string{}
	for _, n := range nominations {
		titles[n.ID] = n.ProjectTitle
	}
	header := []string{"assignment_id", "contest", "category", "nomination_id", "project_title", "reviewer_id", "state"}
	for _, cr := range contest.Settings.Criteria {
		header = append(header, cr.Key)
	}
	header = append(header, "comment", "submitted_at")
	rows := [][]string{header}
	for _, a := range assignments {
		row := []string{a.ID, strconv.Itoa(a.Contest), strconv.Itoa(a.Category), a.NominationID, titles[a.NominationID],
			a.ReviewerID, string(a.State)}
		for _, cr := range contest.Settings.Criteria {
			if v, ok := a.Scores[cr.Key]; ok {
				row = append(row, strconv.Itoa(v))
			} else {
				row = append(row, "")
			}
		}
		submitted := ""
		if a.SubmittedAt != nil {
			submitted = a.SubmittedAt.UTC().Format(time.RFC3339)
		}
		rows = append(rows, append(row, a.Comment, submitted))
	}
	return rows, nil
}

// resultRows are a contest's published results, one row per champion.
func (s *server) resultRows(c *gin.Context, year int) ([][]string, error) {
	res, err := s.app.Results(useCase(c), year)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"contest", "category", "category_code", "nomination_id", "project_title", "organization",
		"votes", "picks", "winner", "invalidated_votes_in_category", "published_at"}}
	for _, cr := range res.Categories {
		for _, ch := range cr.Champions {
			rows = append(rows, []string{strconv.Itoa(year), strconv.Itoa(cr.Category), models.ActionLines[cr.Category-1].Code,
				ch.NominationID, ch.ProjectTitle, ch.Organization, strconv.FormatInt(ch.Votes, 10), strconv.Itoa(ch.Picks),
				strconv.FormatBool(ch.Winner), strconv.FormatInt(cr.Invalidated, 10), res.PublishedAt.UTC().Format(time.RFC3339)})
		}
	}
	return rows, nil
}
