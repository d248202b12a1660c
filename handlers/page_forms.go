package handlers

import (
	"errors"
	"html/template"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/wsis-platform/wsis/locale"
	"github.com/wsis-platform/wsis/models"
)

// pageFuncs are the functions page templates call to draw form fields
// from the page's submitted values and errors.
var pageFuncs = template.FuncMap{"input": inputField, "choice": choiceField, "choices": choicesField}

// fieldInput is one labelled form field as the "input" and "select" blocks
// draw it: its error next to it, tied to it by aria-describedby.
type fieldInput struct {
	Name, Type, Label, Value, Hint, Error, Autocomplete, DescribedBy, Placeholder string
	Required                                                                      bool
	Options                                                                       []fieldOption
	// MaxWords, for a text area, is the most words it may hold; its counter
	// says Count, the value's words, of Limit, in the page's digits, and
	// WordsLabel the unit.
	MaxWords                 int
	Count, Limit, WordsLabel string
}

type fieldOption struct {
	Value, Label string
	Selected     bool
}

// inputField is the field name of v's form: its type, the label's catalogue
// key and options "required", "autocomplete=…" or "hint=KEY". A password
// field never shows the value sent.
func inputField(v *pageView, name, typ, labelKey string, options ...string) fieldInput {
	f := fieldInput{Name: name, Type: typ, Label: v.L.T(labelKey), Value: v.Form.Get(name)}
	if typ == "password" {
		f.Value = ""
	}
	for _, o := range options {
		switch key, value, _ := strings.Cut(o, "="); key {
		case "required":
			f.Required = true
		case "autocomplete":
			f.Autocomplete = value
		case "hint":
			f.Hint = v.L.T(value)
		case "maxwords":
			f.MaxWords, _ = strconv.Atoi(value)
			f.Count, f.Limit = v.L.Num(models.WordCount(f.Value)), v.L.Num(f.MaxWords)
			f.WordsLabel = v.L.T("field.words")
		}
	}
	f.describe(v)
	return f
}

// choiceField is the select name of v's form over the reference list
// kind, named in the page's language, one value chosen.
func choiceField(v *pageView, name, labelKey, kind string) fieldInput {
	f := choicesField(v, name, labelKey, kind)
	f.Placeholder = v.L.T("field.choose")
	return f
}

// choicesField is the field name of v's form over the reference list kind
// ("countries", "stakeholder_types", "coverages", "statuses",
// "implementations", "action_lines", "sdgs", "gdc_objectives" or
// "languages", each language named in itself), named in the page's language, with the values
// the form holds chosen.
func choicesField(v *pageView, name, labelKey, kind string) fieldInput {
	f := fieldInput{Name: name, Label: v.L.T(labelKey), Required: true}
	var options []fieldOption
	switch kind {
	case "countries":
		options = countryOptions(v.L)
	case "stakeholder_types":
		for _, st := range models.StakeholderTypes {
			options = append(options, fieldOption{Value: string(st), Label: v.L.Stakeholder(string(st))})
		}
	case "coverages":
		for _, c := range models.Coverages {
			options = append(options, fieldOption{Value: c, Label: v.L.Coverage(c)})
		}
	case "statuses":
		for _, st := range models.ProjectStatuses {
			options = append(options, fieldOption{Value: st, Label: v.L.Status(st)})
		}
	case "action_lines":
		for _, al := range models.ActionLines {
			options = append(options, fieldOption{Value: al.Code, Label: v.L.ActionLine(al.Code)})
		}
	case "implementations":
		for _, impl := range models.Implementations {
			options = append(options, fieldOption{Value: impl, Label: v.L.T("implementation." + impl)})
		}
	case "sdgs":
		for _, g := range models.SDGs {
			options = append(options, fieldOption{Value: strconv.Itoa(g.Number), Label: v.L.Plain(g.Number) + ". " + v.L.SDG(g.Number)})
		}
	case "gdc_objectives":
		f.Required = false // a project may link to none
		for _, o := range models.GDCObjectives {
			options = append(options, fieldOption{Value: strconv.Itoa(o.Number), Label: v.L.Plain(o.Number) + ". " + v.L.T("gdc."+strconv.Itoa(o.Number))})
		}
	case "languages":
		for _, l := range catalogues.All() {
			options = append(options, fieldOption{Value: l.Code, Label: l.Name()})
		}
	}
	chosen := v.Form[name]
	for _, o := range options {
		o.Selected = slices.Contains(chosen, o.Value)
		f.Options = append(f.Options, o)
	}
	f.describe(v)
	return f
}

func (f *fieldInput) describe(v *pageView) {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	for _, e := range v.Errors {
		if e.Field == f.Name {
			f.Error = e.Message
			ids = append(ids, f.Name+"-error")
			break
		}
	}
	f.DescribedBy = strings.Join(ids, " ")
}

// countryOptions are the countries with their CLDR names in l, in the
// language's alphabetical order; each language's list is made once.
func countryOptions(l *locale.Locale) []fieldOption {
	v, _ := countryLists.LoadOrStore(l.Code, sync.OnceValue(func() []fieldOption {
		coll := collate.New(language.Make(l.Code))
		list := make([]fieldOption, 0, len(models.Countries()))
		for _, c := range models.Countries() {
			list = append(list, fieldOption{Value: c.Code, Label: l.Country(c.Code)})
		}
		slices.SortFunc(list, func(a, b fieldOption) int { return coll.CompareString(a.Label, b.Label) })
		return list
	}))
	return v.(func() []fieldOption)()
}

var countryLists sync.Map

// formErrors says in l what is wrong with the fields of err, a failure of
// the validator's rules or a ValidationError of a use case; ok is false for
// any other error.
func formErrors(l *locale.Locale, err error) (fields []fieldError, ok bool) {
	var verrs validator.ValidationErrors
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			fields = appendOnce(fields, fieldError{Field: formField(jsonPath(fe)), Message: ruleMessage(l, fe)})
		}
		return fields, true
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fields = append(fields, fieldError{Field: f.Field, Message: l.T("form.error.invalid")})
		}
		return fields, true
	}
	return nil, false
}

// checkForm holds a form's request type to the same validator rules as the
// JSON API's, and says what breaks them in l.
func checkForm(l *locale.Locale, req any) []fieldError {
	err := validate.Struct(req)
	if err == nil {
		return nil
	}
	fields, _ := formErrors(l, err)
	if len(fields) == 0 {
		fields = []fieldError{{Message: l.T("form.error.invalid")}}
	}
	return fields
}

// ruleMessage is the message of a broken validator rule in l.
func ruleMessage(l *locale.Locale, fe validator.FieldError) string {
	list := fe.Kind() == reflect.Slice
	switch tag := fe.Tag(); {
	case list && (tag == "required" || tag == "min"):
		return l.T("form.error.choose_one")
	case isNumber(fe.Kind()):
		return l.T("form.error.invalid") // a number a form's choice sends: not one of the choices
	case tag == "min" && fe.Param() == "1":
		return l.T("form.error.required")
	case tag == "min" || tag == "max" || tag == "minwords" || tag == "maxwords":
		return l.T("form.error."+tag, "Param", fe.Param())
	case tag == "http_url" || tag == "url":
		return l.T("form.error.url")
	case slices.Contains([]string{"required", "email", "password", "singleline", "multiline", "country",
		"stakeholder_type", "date", "not_before_start"}, tag):
		return l.T("form.error." + tag)
	}
	return l.T("form.error.invalid")
}

// formField is the form field of a validator path: a list's item
// ("countries[2]") is the list's field.
func formField(path string) string {
	name, _, _ := strings.Cut(path, "[")
	return name
}

// appendOnce adds e unless its field has an error already: a field shows
// one error at a time.
func appendOnce(fields []fieldError, e fieldError) []fieldError {
	for _, f := range fields {
		if f.Field == e.Field {
			return fields
		}
	}
	return append(fields, e)
}

// formValues are the fields of a submitted form, to show it again.
func formValues(form url.Values, names ...string) url.Values {
	v := url.Values{}
	for _, n := range names {
		v.Set(n, form.Get(n))
	}
	return v
}
