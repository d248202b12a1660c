package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestLoadConfig_Defaults(t *testing.T) {
	c, err := loadConfig("wsis", nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.MetricsAddr != "" || c.DataDir != "./data" || c.Database != "wsis" || c.MongoURI != "" ||
		c.DevMailbox || c.TrustedProxies != nil || c.PublicURL != "http://localhost:8080" {
		t.Fatalf("defaults = %+v", c)
	}
}

func TestLoadConfig_FlagsOverrideEnvironment(t *testing.T) {
	c, err := loadConfig("wsis", []string{"-addr", "127.0.0.1:9000", "-metrics-addr", "127.0.0.1:9100", "-trusted-proxies", "10.0.0.0/8, 192.0.2.1"},
		env(map[string]string{"WSIS_ADDR": ":7000", "WSIS_MONGODB_DATABASE": "prizes", "WSIS_DEV_MAILBOX": "true"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" || c.MetricsAddr != "127.0.0.1:9100" || c.Database != "prizes" || !c.DevMailbox ||
		!slices.Equal(c.TrustedProxies, []string{"10.0.0.0/8", "192.0.2.1"}) || c.PublicURL != "http://localhost:9000" {
		t.Fatalf("config = %+v", c)
	}
}

func TestLoadConfig_InvalidValueNamesTheVariable(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"address without port", map[string]string{"WSIS_ADDR": "localhost"}, "WSIS_ADDR"},
		{"metrics address without port", map[string]string{"WSIS_METRICS_ADDR": "localhost"}, "WSIS_METRICS_ADDR"},
		{"metrics address the API's", map[string]string{"WSIS_ADDR": ":9000", "WSIS_METRICS_ADDR": ":9000"}, "WSIS_METRICS_ADDR"},
		{"empty data dir", map[string]string{"WSIS_DATA_DIR": "  "}, "WSIS_DATA_DIR"},
		{"not a MongoDB URI", map[string]string{"WSIS_MONGODB_URI": "postgres://db"}, "WSIS_MONGODB_URI"},
		{"database name with a dot", map[string]string{"WSIS_MONGODB_DATABASE": "wsis.prod"}, "WSIS_MONGODB_DATABASE"},
		{"relative public URL", map[string]string{"WSIS_PUBLIC_URL": "/wsis"}, "WSIS_PUBLIC_URL"},
		{"SMTP URL of another scheme", map[string]string{"WSIS_SMTP_URL": "http://mail:25"}, "WSIS_SMTP_URL"},
		{"mailbox not a boolean", map[string]string{"WSIS_DEV_MAILBOX": "sometimes"}, "WSIS_DEV_MAILBOX"},
		{"admin email malformed", map[string]string{"WSIS_ADMIN_EMAIL": "admin", "WSIS_ADMIN_PASSWORD": "long enough password"}, "WSIS_ADMIN_EMAIL"},
		{"admin email without password", map[string]string{"WSIS_ADMIN_EMAIL": "admin@example.org"}, "WSIS_ADMIN_PASSWORD"},
		{"admin password too short", map[string]string{"WSIS_ADMIN_EMAIL": "admin@example.org", "WSIS_ADMIN_PASSWORD": "short"}, "WSIS_ADMIN_PASSWORD"},
		{"trusted proxy not an address", map[string]string{"WSIS_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, "WSIS_TRUSTED_PROXIES"},
		{"unknown log level", map[string]string{"WSIS_LOG_LEVEL": "loud"}, "WSIS_LOG_LEVEL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig("wsis", nil, env(tc.env), io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %s", err, tc.want)
			}
		})
	}
}

func TestConfigLog_MasksSecrets(t *testing.T) {
	c, err := loadConfig("wsis", nil, env(map[string]string{
		"WSIS_MONGODB_URI":    "mongodb://app:s3cret-db@db1:27017,db2:27017/?replicaSet=rs0",
		"WSIS_SMTP_URL":       "smtp://mailer:s3cret-mail@smtp.example.org:587",
		"WSIS_ADMIN_EMAIL":    "admin@example.org",
		"WSIS_ADMIN_PASSWORD": "s3cret-admin-password",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, v := range c.logValue() {
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtAny(v), "\n", " "), "\t", " ")))
		b.WriteByte(' ')
	}
	if strings.Contains(b.String(), "s3cret") {
		t.Fatalf("start-up log shows a secret: %s", b.String())
	}
	if !strings.Contains(b.String(), "db1:27017,db2:27017") {
		t.Fatalf("start-up log hides the database hosts: %s", b.String())
	}
}

func fmtAny(v any) string { return strings.TrimSpace(strings.Trim(fmt.Sprint(v), "[]")) }

var secretEnv = map[string]string{
	"WSIS_MONGODB_URI":    "mongodb://app:s3cret-db@db1:27017/",
	"WSIS_SMTP_URL":       "smtp://mailer:s3cret-mail@smtp.example.org:587",
	"WSIS_ADMIN_EMAIL":    "admin@example.org",
	"WSIS_ADMIN_PASSWORD": "s3cret-admin-password",
}

func TestLoadConfig_HelpShowsNoSecrets(t *testing.T) {
	var help strings.Builder
	_, err := loadConfig("wsis serve", []string{"-help"}, env(secretEnv), &help)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp", err)
	}
	out := help.String()
	if strings.Contains(out, "s3cret") {
		t.Fatalf("--help shows a secret:\n%s", out)
	}
	for _, want := range []string{"WSIS_ADMIN_PASSWORD, set", "WSIS_MONGODB_URI, set", "WSIS_SMTP_URL, set", "admin@example.org"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}

func TestLoadConfig_SecretsFromEnvironmentOrFlag(t *testing.T) {
	c, err := loadConfig("wsis", nil, env(secretEnv), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminPassword != secretEnv["WSIS_ADMIN_PASSWORD"] || c.MongoURI != secretEnv["WSIS_MONGODB_URI"] || c.SMTPURL != secretEnv["WSIS_SMTP_URL"] {
		t.Fatalf("secrets of the environment not used: %+v", c)
	}
	c, err = loadConfig("wsis", []string{"-admin-password", "another long password", "-mongodb-uri", ""}, env(secretEnv), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.AdminPassword != "another long password" || c.MongoURI != "" {
		t.Fatalf("flags do not override secrets of the environment: %+v", c)
	}
}
