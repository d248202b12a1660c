package handlers

import (
	"compress/gzip"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// minGzipBytes is the size below which an answer stays plain: gzip's header
// and the client's work are not worth it for a small body.
const minGzipBytes = 1024

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// compress gzips text answers (JSON, HTML, CSS, JavaScript, YAML, CSV) of
// at least minGzipBytes for clients that accept gzip, and marks every text
// answer Vary: Accept-Encoding. Answers that are already encoded (the
// metrics handler's own gzip) or are not text (XLSX) pass untouched. A
// compressed answer's strong ETag is weakened, since its bytes differ from
// the plain form's.
func compress() gin.HandlerFunc {
	return func(c *gin.Context) {
		w := &gzipResponse{ResponseWriter: c.Writer, accepts: acceptsGzip(c.GetHeader("Accept-Encoding"))}
		c.Writer = w
		defer func() {
			w.finish()
			c.Writer = w.ResponseWriter
		}()
		c.Next()
	}
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (or *)
// with a non-zero quality.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				continue
			}
		}
		return true
	}
	return false
}

// compressible reports whether a content type is text worth compressing.
func compressible(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(t, "text/"), strings.HasSuffix(t, "+json"), strings.HasSuffix(t, "+xml"):
		return true
	}
	switch t {
	case "application/json", "application/yaml", "application/javascript", "application/xml", "image/svg+xml":
		return true
	}
	return false
}

// gzipResponse holds back the first minGzipBytes of an answer until it
// knows whether to compress it: an answer that ends smaller is sent plain.
type gzipResponse struct {
	gin.ResponseWriter
	accepts bool
	decided bool
	buf     []byte
	gz      *gzip.Writer
}

// decide settles, before the first byte goes out, whether the answer is
// compressed, and sets its headers accordingly.
func (w *gzipResponse) decide(compressNow bool) {
	w.decided = true
	h := w.Header()
	if !compressible(h.Get("Content-Type")) || h.Get("Content-Encoding") != "" {
		return
	}
	vary(h, "Accept-Encoding")
	if !w.accepts || !compressNow || !bodyAllowed(w.Status()) {
		return
	}
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	if e := h.Get("ETag"); strings.HasPrefix(e, `"`) {
		h.Set("ETag", "W/"+e)
	}
	w.gz = gzipWriters.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

// Write buffers the answer's first bytes, then compresses or passes them.
func (w *gzipResponse) Write(p []byte) (int, error) {
	if !w.decided {
		if len(w.buf)+len(p) < minGzipBytes {
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		w.decide(true)
		if err := w.release(); err != nil {
			return 0, err
		}
	}
	if w.gz != nil {
		return w.gz.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// WriteString writes s as Write does.
func (w *gzipResponse) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Written reports whether the answer has begun, held-back bytes included.
func (w *gzipResponse) Written() bool { return len(w.buf) > 0 || w.ResponseWriter.Written() }

// WriteHeaderNow sends the status and headers of an answer with no body
// yet: one that will have none, or a stream about to flush.
func (w *gzipResponse) WriteHeaderNow() {
	if !w.decided && len(w.buf) == 0 {
		w.decide(false)
	}
	w.ResponseWriter.WriteHeaderNow()
}

// Flush sends what the handler has written so far: a streaming answer is
// compressed from its start, whatever its size.
func (w *gzipResponse) Flush() {
	if !w.decided {
		w.decide(true)
		_ = w.release()
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	w.ResponseWriter.Flush()
}

// release writes the held-back bytes through the decided path.
func (w *gzipResponse) release() error {
	buf := w.buf
	w.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if w.gz != nil {
		_, err = w.gz.Write(buf)
	} else {
		_, err = w.ResponseWriter.Write(buf)
	}
	return err
}

// finish sends a small answer plain and ends a compressed one.
func (w *gzipResponse) finish() {
	if !w.decided && len(w.buf) > 0 {
		w.decide(false)
		_ = w.release()
	}
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(nil)
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}

// vary adds field to the Vary header unless it is there already.
func vary(h http.Header, field string) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) || strings.TrimSpace(f) == "*" {
				return
			}
		}
	}
	h.Add("Vary", field)
}

// bodyAllowed reports whether an answer with status may have a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}
