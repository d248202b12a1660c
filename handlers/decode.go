package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// normalizer is a request type that tidies its decoded fields (trims
// names) so that validation sees what will be stored.
type normalizer interface {
	normalize()
}

// decodeJSON reads the request body into dst strictly: JSON only, valid
// UTF-8 (no lone surrogate escapes either), no unknown fields, exactly one
// JSON value and nothing after it, at most maxBodyBytes;
// then normalizes dst when it is a normalizer, and validates it. Malformed
// input is a 400, an oversized body 413, a missing or non-JSON media type
// 415 and a failed
// rule 422 listing each field by its JSON name.
func decodeJSON(c *gin.Context, dst any) error {
	// A JSON type is required, not only allowed: a browser posts text/plain
	// or a form across sites without asking first.
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || !jsonMediaType(mt) {
		return &requestError{http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			"send the body as application/json"}
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &requestError{http.StatusRequestEntityTooLarge, "body-too-large", "Request body too large",
				"the request body must be at most " + strconv.Itoa(maxBodyBytes) + " bytes"}
		}
		return badRequest("the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body is empty; send a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badRequest(describeJSONError(err))
	}
	// More would let a stray '}' or ']' through; only the end of the body
	// may follow the value.
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		return badRequest("the request body holds data after the JSON value")
	}
	// encoding/json turns both into U+FFFD without a word, which would
	// store text the client never wrote.
	if !utf8.Valid(body) {
		return badRequest("the request body is not valid UTF-8")
	}
	if loneSurrogate(body) {
		return badRequest("the request body escapes half of a UTF-16 surrogate pair, which is no character")
	}
	if n, ok := dst.(normalizer); ok {
		n.normalize()
	}
	return validateStruct(dst)
}

// jsonMediaType reports whether mt, lower case as mime parses it, is
// application/json or a structured-syntax +json type such as
// application/merge-patch+json.
func jsonMediaType(mt string) bool {
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// loneSurrogate reports whether a JSON text holds a \u escape of a UTF-16
// surrogate (U+D800–U+DFFF) that is not half of a high-then-low pair.
func loneSurrogate(body []byte) bool {
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		i++ // the escaped character: a backslash escaping a backslash ends here
		r, ok := unicodeEscape(body, i)
		if !ok {
			continue
		}
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := unicodeEscape(body, i+2)
			if !ok || i+1 >= len(body) || body[i+1] != '\\' || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

// unicodeEscape reads the UTF-16 code unit of a JSON escape starting at
// body[i]: a "u" and then four hexadecimal digits.
func unicodeEscape(body []byte, i int) (rune, bool) {
	if i < 0 || i+5 > len(body) || body[i] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(body[i+1:i+5]), 16, 16)
	return rune(v), err == nil
}

// describeJSONError says what is wrong with a body in terms the sender can
// act on, without echoing Go type names.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the body ends early"
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return "the body must be a JSON object"
		}
		return fmt.Sprintf("field %q must be %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()))
	}
	if f, ok := unknownField(err); ok {
		return fmt.Sprintf("unknown field %s", f)
	}
	return "malformed JSON"
}

func unknownField(err error) (string, bool) {
	const prefix = "json: unknown field "
	msg := err.Error()
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):], true
	}
	return "", false
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "float32", "float64":
		return "a number"
	}
	return "an integer"
}

// bindJSON decodes and validates the body into dst like decodeJSON, answers
// the problem itself on failure, and reports whether the handler may go on.
func bindJSON(c *gin.Context, dst any) bool {
	if err := decodeJSON(c, dst); err != nil {
		respondError(c, err)
		return false
	}
	return true
}
