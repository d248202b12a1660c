package handlers

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/wsis-platform/wsis/models"
)

// exportContest answers a contest's data for admins as CSV or XLSX
// (app.Service.ExportContest): its nominations, reviews, results or votes.
func (s *server) exportContest(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	what, format := c.DefaultQuery("what", "nominations"), c.DefaultQuery("format", "csv")
	if format != "csv" && format != "xlsx" {
		respondError(c, models.Invalid("format", "must be csv or xlsx"))
		return
	}
	name := fmt.Sprintf("wsis-prizes-%d-%s.%s", year, what, format)
	produce := func(row func([]string) error) error {
		return s.app.ExportContest(useCase(c), currentUser(c), year, what, row)
	}
	if format == "xlsx" {
		answerXLSX(c, name, what, produce)
		return
	}
	answerCSV(c, name, produce)
}

// answerCSV streams the rows produce gives as a CSV download, row by row.
// The answer starts with the first row, so that an error before it is
// still answered as a problem.
func answerCSV(c *gin.Context, name string, produce func(row func([]string) error) error) {
	w, started := csv.NewWriter(c.Writer), false
	err := produce(func(r []string) error {
		if !started {
			started = true
			attachment(c, name, "text/csv; charset=utf-8")
		}
		for i := range r {
			r[i] = defuseFormula(r[i])
		}
		return w.Write(r)
	})
	switch {
	case err != nil && !started:
		respondError(c, err)
		return
	case err != nil:
		logger(c).ErrorContext(c.Request.Context(), "export cut short", "err", err)
	}
	w.Flush()
}

// answerXLSX answers the rows produce gives as a workbook of one sheet,
// written row by row (excelize's stream writer spills to a temporary file,
// so a million votes need no more memory than a few).
func answerXLSX(c *gin.Context, name, sheet string, produce func(row func([]string) error) error) {
	x, err := newXLSXStream(sheet)
	if err == nil {
		defer x.close()
		err = produce(x.row)
	}
	if err != nil {
		respondError(c, err)
		return
	}
	attachment(c, name, xlsxContentType)
	if err := x.writeTo(c.Writer); err != nil {
		logger(c).ErrorContext(c.Request.Context(), "export cut short", "err", err)
	}
}

func attachment(c *gin.Context, name, contentType string) {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", contentType)
	c.Status(http.StatusOK)
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
