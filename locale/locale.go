// Package locale is the platform's languages: one message catalogue per
// language (English, French, Spanish, Arabic, Chinese and Russian, with
// CLDR plural rules through go-i18n), the choice of a language from what a
// browser asks for, and the formatting of numbers, dates, country names
// (CLDR, golang.org/x/text/language/display) and reference data in it.
package locale

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/wsis-platform/wsis/static"
)

// Builtin returns the platform's catalogues, embedded in package static,
// loaded once. They are part of the binary, so a failure to load them is a
// programming error that every test run meets: it panics.
var Builtin = sync.OnceValue(func() *Catalogues {
	c, err := Load(static.Catalogues)
	if err != nil {
		panic(err)
	}
	return c
})

// Codes are the languages of the platform in the order a language switcher
// lists them: the six official languages of the United Nations. The first
// is the default, and the one every other catalogue is held to.
var Codes = []string{"en", "fr", "es", "ar", "zh", "ru"}

// Catalogues holds every language's catalogue. It is safe for concurrent
// use once loaded.
type Catalogues struct {
	locales map[string]*Locale
	ordered []*Locale
	matcher language.Matcher
}

// Load reads the catalogue of each language of Codes from fsys: the file
// CODE.json at its root and the files AREA.CODE.json beside it, one per
// area of the UI (the consoles keep their texts apart from the public
// site's). Every language must have CODE.json.
func Load(fsys fs.FS) (*Catalogues, error) {
	bundle := i18n.NewBundle(language.English)
	c := &Catalogues{locales: map[string]*Locale{}}
	tags := make([]language.Tag, len(Codes))
	for i, code := range Codes {
		tags[i] = language.MustParse(code)
		files, err := Files(fsys, code)
		if err != nil {
			return nil, fmt.Errorf("locale: %s: %w", code, err)
		}
		for _, name := range files {
			if _, err := bundle.LoadMessageFileFS(fsys, name); err != nil {
				return nil, fmt.Errorf("locale: %s: %w", name, err)
			}
		}
	}
	for i, code := range Codes {
		l := &Locale{Code: code, tag: tags[i], loc: i18n.NewLocalizer(bundle, code),
			printer: message.NewPrinter(tags[i]), regions: display.Regions(tags[i])}
		c.locales[code] = l
		c.ordered = append(c.ordered, l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// All returns every language's Locale in the order of Codes.
func (c *Catalogues) All() []*Locale { return c.ordered }

// Locale returns the Locale of code, one of Codes.
func (c *Catalogues) Locale(code string) (*Locale, bool) {
	l, ok := c.locales[code]
	return l, ok
}

// Match returns the language that best serves an Accept-Language header
// (a missing or unparsable one gives the default, English). Languages
// outside Codes match their closest of Codes, so zh-TW is served Chinese
// and fr-CA French.
func (c *Catalogues) Match(acceptLanguage string) *Locale {
	prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(prefs) == 0 {
		return c.ordered[0]
	}
	_, i, conf := c.matcher.Match(prefs...)
	if conf == language.No {
		return c.ordered[0]
	}
	return c.ordered[i]
}

// Locale is one language: its texts, and numbers, dates and names formatted
// in it. Its methods never fail: a text missing from its catalogue (which
// TestCatalogues_HaveEveryKey prevents) shows as its key.
type Locale struct {
	// Code is the language's BCP 47 tag, one of Codes.
	Code    string
	tag     language.Tag
	loc     *i18n.Localizer
	printer *message.Printer
	regions display.Namer
}

// Dir is the writing direction of the language: "rtl" for Arabic, "ltr"
// otherwise.
func (l *Locale) Dir() string {
	if l.Code == "ar" {
		return "rtl"
	}
	return "ltr"
}

// Name is the language's name in itself ("français"), for a language
// switcher.
func (l *Locale) Name() string { return display.Self.Name(l.tag) }

// Text returns the text id with its placeholders filled from data, a
// struct or map (a mail's fields), and false when the catalogue has no such
// text.
func (l *Locale) Text(id string, data any) (string, bool) {
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil || s == "" {
		return "", false
	}
	return s, true
}

// T returns the text id with its placeholders filled from pairs of name and
// value: T("home.contest.title", "Year", 2026).
func (l *Locale) T(id string, pairs ...any) string {
	return l.localize(id, nil, pairs)
}

// N returns the text id in the plural form CLDR gives count in this
// language; its {{.Count}} placeholder is count formatted for the language
// and the other placeholders are filled from pairs as in T.
func (l *Locale) N(id string, count any, pairs ...any) string {
	n := toInt64(count)
	return l.localize(id, n, append([]any{"Count", l.Num(n)}, pairs...))
}

func (l *Locale) localize(id string, count any, pairs []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if name, ok := pairs[i].(string); ok {
			data[name] = pairs[i+1]
		}
	}
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		var missing *i18n.MessageNotFoundErr
		if errors.As(err, &missing) || s == "" {
			return id
		}
	}
	return s
}

// Num formats an integer (of any Go integer type) for the language, with
// its digits and grouping ("1,234", "1 234", "١٬٢٣٤").
func (l *Locale) Num(n any) string { return l.printer.Sprint(number.Decimal(toInt64(n))) }

// Plain formats an integer for the language without grouping, as years
// are written ("2027", "٢٠٢٧").
func (l *Locale) Plain(n any) string {
	return l.printer.Sprint(number.Decimal(toInt64(n), number.NoSeparator()))
}

// Numbering is the CLDR numbering system of the language's digits as Num
// writes them, "arab" (Arabic-Indic) or "latn", so that scripts format
// numbers with the same digits (Intl.NumberFormat's numberingSystem).
func (l *Locale) Numbering() string {
	if l.Plain(0) == "٠" {
		return "arab"
	}
	return "latn"
}

// toInt64 is n of any integer type as an int64, so that templates can pass
// counts of any type; anything else is 0.
func toInt64(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int64:
		return v
	case int32:
		return int64(v)
	case uint64:
		return int64(v)
	case uint32:
		return int64(v)
	case uint:
		return int64(v)
	}
	return 0
}

// Date formats the day of t, read in UTC, for the language ("2 March
// 2026", "2 de marzo de 2026", "2026年3月2日").
func (l *Locale) Date(t time.Time) string {
	t = t.UTC()
	return l.T("format.date", "Day", l.Plain(t.Day()), "Month", l.T("month."+strconv.Itoa(int(t.Month()))),
		"Year", l.Plain(t.Year()))
}

// DateTime formats t, read in UTC, as its date and its time of day in
// hours and minutes, marked UTC.
func (l *Locale) DateTime(t time.Time) string {
	t = t.UTC()
	two := func(n int) string {
		return l.printer.Sprint(number.Decimal(n, number.NoSeparator(), number.MinIntegerDigits(2)))
	}
	return l.T("format.datetime", "Date", l.Date(t), "Time", two(t.Hour())+":"+two(t.Minute()))
}

// TimeLeft says how long d is in the largest whole unit that fits (days,
// hours, else minutes): "3 days left".
func (l *Locale) TimeLeft(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return l.N("time.days_left", int64(d/(24*time.Hour)))
	case d >= time.Hour:
		return l.N("time.hours_left", int64(d/time.Hour))
	}
	return l.N("time.minutes_left", int64(d/time.Minute))
}

// Country is the CLDR name in this language of the ISO 3166-1 alpha-2
// code; an unknown code is returned as it is.
func (l *Locale) Country(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := l.regions.Name(r); name != "" {
		return name
	}
	return code
}

// ActionLine is the name of the WSIS action line with the code.
func (l *Locale) ActionLine(code string) string { return l.T("al." + code) }

// SDG is the official short name of Sustainable Development Goal n.
func (l *Locale) SDG(n int) string { return l.T("sdg." + strconv.Itoa(n)) }

// Region is the name of the ITU region r.
func (l *Locale) Region(r string) string { return l.T("region." + r) }

// Stakeholder is the name of the stakeholder type s.
func (l *Locale) Stakeholder(s string) string { return l.T("stakeholder." + s) }

// Status is the name of a project's implementation status.
func (l *Locale) Status(s string) string { return l.T("status." + s) }

// Coverage is the name of a project's geographic coverage.
func (l *Locale) Coverage(s string) string { return l.T("coverage." + s) }

// Files names the catalogue files of the language code in fsys: CODE.json
// first, then each AREA.CODE.json in lexical order. A message id may appear
// in only one of them; go-i18n would otherwise keep the last silently.
func Files(fsys fs.FS, code string) ([]string, error) {
	if _, err := fs.Stat(fsys, code+".json"); err != nil {
		return nil, err
	}
	areas, err := fs.Glob(fsys, "*."+code+".json")
	if err != nil {
		return nil, err
	}
	return append([]string{code + ".json"}, areas...), nil
}
