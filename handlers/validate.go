package handlers

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/wsis-platform/wsis/models"
)

var criterionKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// validate is the one validator of request types; custom rules are
// registered on it once, here.
var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	rules := map[string]validator.Func{
		"country": func(fl validator.FieldLevel) bool {
			_, ok := models.CountryByCode(fl.Field().String())
			return ok
		},
		"stakeholder_type": func(fl validator.FieldLevel) bool {
			return models.ValidStakeholderType(models.StakeholderType(fl.Field().String()))
		},
		"role": func(fl validator.FieldLevel) bool {
			return models.ValidRole(models.Role(fl.Field().String()))
		},
		"password": func(fl validator.FieldLevel) bool {
			return models.CheckPassword("", fl.Field().String()) == nil
		},
		"action_line": func(fl validator.FieldLevel) bool {
			_, ok := models.ActionLineByCode(fl.Field().String())
			return ok
		},
		"minwords": func(fl validator.FieldLevel) bool {
			n, err := strconv.Atoi(fl.Param())
			return err == nil && models.WordCount(fl.Field().String()) >= n
		},
		"maxwords": func(fl validator.FieldLevel) bool {
			n, err := strconv.Atoi(fl.Param())
			return err == nil && models.WordCount(fl.Field().String()) <= n
		},
		"singleline": func(fl validator.FieldLevel) bool {
			return models.SingleLine(fl.Field().String())
		},
		"multiline": func(fl validator.FieldLevel) bool {
			return models.MultiLine(fl.Field().String())
		},
		"criterion_key": func(fl validator.FieldLevel) bool {
			return criterionKey.MatchString(fl.Field().String())
		},
		"date": func(fl validator.FieldLevel) bool {
			_, err := time.Parse(time.DateOnly, fl.Field().String())
			return err == nil
		},
	}
	v.RegisterStructValidation(validateProjectDates, projectRequest{})
	for tag, f := range rules {
		if err := v.RegisterValidation(tag, f); err != nil {
			panic(err) // a programming error in the rule table above
		}
	}
	return v
}

// validateStruct checks req's `validate` tags and returns a
// *models.ValidationError naming each failing field by its JSON path.
func validateStruct(req any) error {
	err := validate.Struct(req)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("handlers: validate: %w", err)
	}
	fields := make([]models.FieldError, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, models.FieldError{Field: jsonPath(fe), Message: message(fe)})
	}
	return &models.ValidationError{Fields: fields}
}

// jsonPath drops the Go type name that leads a validator namespace:
// "loginRequest.email" → "email", "req.countries[0]" → "countries[0]".
func jsonPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return fe.Field()
}

func message(fe validator.FieldError) string {
	p := fe.Param()
	unit := "characters"
	switch fe.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		unit = "items"
	}
	switch fe.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be an email address"
	case "min":
		if isNumber(fe.Kind()) {
			return "must be at least " + p
		}
		return "must have at least " + p + " " + unit
	case "max":
		if isNumber(fe.Kind()) {
			return "must be at most " + p
		}
		return "must have at most " + p + " " + unit
	case "len":
		return "must have exactly " + p + " " + unit
	case "gte":
		return "must be at least " + p
	case "lte":
		return "must be at most " + p
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "url", "http_url":
		return "must be an http or https URL"
	case "unique":
		return "must not repeat values"
	case "dive":
		return "has an invalid item"
	case "country":
		return "must be an ISO 3166-1 alpha-2 country code, e.g. KE"
	case "stakeholder_type":
		return "must be one of: " + joinStakeholderTypes()
	case "role":
		return "must be reviewer or admin"
	case "password":
		return "must have at least 12 characters and at most 1024 bytes"
	case "action_line":
		return "must be an action line code, e.g. c3 or c7-e-health"
	case "minwords":
		return "must have at least " + p + " words"
	case "maxwords":
		return "must have at most " + p + " words"
	case "singleline":
		return "must be one line, without tabs, other control characters, invisible format characters or bidirectional overrides"
	case "multiline":
		return "may break lines (\\n or \\r\\n) but must not hold other control characters, invisible format characters or bidirectional overrides"
	case "date":
		return "must be a date YYYY-MM-DD"
	case "criterion_key":
		return "must be lower-case letters, digits and underscores, starting with a letter"
	case "not_before_start":
		return "must not be before start_date"
	}
	return "fails the " + fe.Tag() + " rule"
}

func isNumber(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

func joinStakeholderTypes() string {
	parts := make([]string, len(models.StakeholderTypes))
	for i, t := range models.StakeholderTypes {
		parts[i] = string(t)
	}
	return strings.Join(parts, ", ")
}
