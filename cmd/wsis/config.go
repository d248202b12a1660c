package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/wsis-platform/wsis/app"
	"github.com/wsis-platform/wsis/handlers"
)

// config is the platform's configuration: SPEC §7's environment variables,
// each mirrored by a flag that overrides it.
type config struct {
	Addr           string
	MetricsAddr    string
	DataDir        string
	MongoURI       string
	Database       string
	PublicURL      string
	SMTPURL        string
	DevMailbox     bool
	AdminEmail     string
	AdminPassword  string
	TrustedProxies []string
	LogLevel       string
	MailFrom       string
	RateLimits     handlers.RateLimits
	// ReviewReminders are how long before their review deadline reviewers
	// with unsubmitted reviews are mailed a reminder, longest first.
	ReviewReminders []time.Duration
}

// setting is one configuration variable: its environment name, flag name,
// default, and where its validated value goes. The value of a secret one
// never appears in the flags' usage text.
type setting struct {
	env, flag, def, usage string
	secret                bool
	set                   func(*config, string) error
}

var settings = []setting{
	{env: "WSIS_ADDR", flag: "addr", def: ":8080", usage: "address to serve HTTP on", set: func(c *config, v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return errors.New("must be host:port or :port")
		}
		c.Addr = v
		return nil
	}},
	{env: "WSIS_METRICS_ADDR", flag: "metrics-addr", usage: "address to serve /metrics on, apart from the API; empty serves it on WSIS_ADDR", set: func(c *config, v string) error {
		if v == "" {
			return nil
		}
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return errors.New("must be host:port or :port")
		}
		c.MetricsAddr = v
		return nil
	}},
	{env: "WSIS_DATA_DIR", flag: "data-dir", def: "./data", usage: "directory of the embedded database and local state", set: func(c *config, v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("must not be empty")
		}
		c.DataDir = v
		return nil
	}},
	{env: "WSIS_MONGODB_URI", flag: "mongodb-uri", usage: "MongoDB connection string; empty starts the embedded database", secret: true, set: func(c *config, v string) error {
		if v != "" && !strings.HasPrefix(v, "mongodb://") && !strings.HasPrefix(v, "mongodb+srv://") {
			return errors.New("must start with mongodb:// or mongodb+srv://")
		}
		if v != "" {
			if _, err := connstring.Parse(v); err != nil {
				return errors.New("is not a valid connection string")
			}
		}
		c.MongoURI = v
		return nil
	}},
	{env: "WSIS_MONGODB_DATABASE", flag: "mongodb-database", def: "wsis", usage: "database name", set: func(c *config, v string) error {
		if !dbName.MatchString(v) {
			return errors.New("must be 1 to 63 letters, digits, '_' or '-'")
		}
		c.Database = v
		return nil
	}},
	{env: "WSIS_PUBLIC_URL", flag: "public-url", usage: "URL users reach the platform at (links in mails); default http://localhost:<port>", set: func(c *config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return errors.New("must be an absolute http or https URL without query or fragment")
		}
		c.PublicURL = strings.TrimRight(v, "/")
		return nil
	}},
	{env: "WSIS_SMTP_URL", flag: "smtp-url", usage: "SMTP server for mail, smtp://user:pass@host:port or smtps://…; empty keeps mail in the outbox", secret: true, set: func(c *config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return errors.New("must be smtp://host:port or smtps://host:port")
		}
		c.SMTPURL = v
		return nil
	}},
	{env: "WSIS_DEV_MAILBOX", flag: "dev-mailbox", def: "false", usage: "serve the outbox at /api/v1/dev/mailbox (development only)", set: func(c *config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("must be true or false")
		}
		c.DevMailbox = b
		return nil
	}},
	{env: "WSIS_ADMIN_EMAIL", flag: "admin-email", usage: "create or update this verified admin at start", set: func(c *config, v string) error {
		if v != "" {
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				return errors.New("must be an email address")
			}
		}
		c.AdminEmail = v
		return nil
	}},
	{env: "WSIS_ADMIN_PASSWORD", flag: "admin-password", usage: "password of WSIS_ADMIN_EMAIL (at least 12 characters)", secret: true, set: func(c *config, v string) error {
		c.AdminPassword = v
		return nil
	}},
	{env: "WSIS_TRUSTED_PROXIES", flag: "trusted-proxies", usage: "comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For is believed; none by default", set: func(c *config, v string) error {
		c.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if _, err := netip.ParsePrefix(p); err != nil {
				if _, err := netip.ParseAddr(p); err != nil {
					return fmt.Errorf("%q is neither an IP address nor a CIDR", p)
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
		return nil
	}},
	{env: "WSIS_MAIL_FROM", flag: "mail-from", usage: "sender of the platform's mails; default no-reply@<public host>", set: func(c *config, v string) error {
		if v != "" {
			if _, err := mail.ParseAddress(v); err != nil {
				return errors.New("must be an address, e.g. WSIS Prizes <no-reply@example.org>")
			}
		}
		c.MailFrom = v
		return nil
	}},
	rateSetting("WSIS_RATE_LOGIN", "rate-login", "login attempts per client IP, and failed logins per account",
		handlers.DefaultRateLimits.Login, func(c *config) *handlers.Rate { return &c.RateLimits.Login }),
	rateSetting("WSIS_RATE_REGISTER", "rate-register", "registrations per client IP",
		handlers.DefaultRateLimits.Register, func(c *config) *handlers.Rate { return &c.RateLimits.Register }),
	rateSetting("WSIS_RATE_REFRESH", "rate-refresh", "token refreshes per client IP",
		handlers.DefaultRateLimits.Refresh, func(c *config) *handlers.Rate { return &c.RateLimits.Refresh }),
	rateSetting("WSIS_RATE_FORGOT", "rate-forgot", "password-reset and verification mails per client IP and per account",
		handlers.DefaultRateLimits.Forgot, func(c *config) *handlers.Rate { return &c.RateLimits.Forgot }),
	rateSetting("WSIS_RATE_WRITE", "rate-write", "writes of projects, profile and nominations per signed-in account",
		handlers.DefaultRateLimits.Write, func(c *config) *handlers.Rate { return &c.RateLimits.Write }),
	rateSetting("WSIS_RATE_VOTE", "rate-vote", "votes per signed-in account",
		handlers.DefaultRateLimits.Vote, func(c *config) *handlers.Rate { return &c.RateLimits.Vote }),
	rateSetting("WSIS_RATE_VOTE_IP", "rate-vote-ip", "votes per client IP (or IPv6 /64), which voters behind one network share",
		handlers.DefaultRateLimits.VoteIP, func(c *config) *handlers.Rate { return &c.RateLimits.VoteIP }),
	{env: "WSIS_REVIEW_REMINDERS", flag: "review-reminders", def: "168h,48h,24h",
		usage: "how long before their review deadline reviewers with unsubmitted reviews are reminded, comma-separated durations",
		set: func(c *config, v string) error {
			d, err := app.ParseReviewReminders(v)
			c.ReviewReminders = d
			return err
		}},
	{env: "WSIS_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error", set: func(c *config, v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
			return nil
		}
		return errors.New("must be debug, info, warn or error")
	}},
}

// rateSetting is a setting of one rate limit, written "N/duration".
func rateSetting(env, flag, usage string, def handlers.Rate, field func(*config) *handlers.Rate) setting {
	return setting{env: env, flag: flag, def: def.String(), usage: usage + `, "N/duration"`, set: func(c *config, v string) error {
		r, err := handlers.ParseRate(v)
		if err != nil {
			return err
		}
		*field(c) = r
		return nil
	}}
}

var dbName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)

// loadConfig reads the configuration from getenv, then from the flags in
// args, and validates it. An error names the variable at fault. extra, when
// given, adds a subcommand's own flags. The usage text (-help) shows the
// environment's value as a flag's default, except for secrets, of which it
// only says that they are set.
func loadConfig(name string, args []string, getenv func(string) string, stderr io.Writer, extra ...func(*flag.FlagSet)) (config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, e := range extra {
		e(fs)
	}
	values := make([]*string, len(settings))
	for i, s := range settings {
		v, usage := s.def, s.usage+" ("+s.env+")"
		if e := getenv(s.env); e != "" {
			if s.secret {
				usage = s.usage + " (" + s.env + ", set)"
			} else {
				v = e
			}
		}
		values[i] = fs.String(s.flag, v, usage)
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var c config
	for i, s := range settings {
		v := *values[i]
		if e := getenv(s.env); s.secret && !given[s.flag] && e != "" {
			v = e
		}
		if err := s.set(&c, v); err != nil {
			return config{}, fmt.Errorf("invalid %s (-%s): %w", s.env, s.flag, err)
		}
	}
	if _, port, _ := net.SplitHostPort(c.Addr); c.MetricsAddr == c.Addr && port != "0" {
		return config{}, errors.New("invalid WSIS_METRICS_ADDR (-metrics-addr): must differ from WSIS_ADDR; leave it empty to serve /metrics there")
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return config{}, errors.New("invalid WSIS_ADMIN_PASSWORD: WSIS_ADMIN_EMAIL and WSIS_ADMIN_PASSWORD are set together")
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 12 {
		return config{}, errors.New("invalid WSIS_ADMIN_PASSWORD: must have at least 12 characters")
	}
	if c.PublicURL == "" {
		_, port, _ := net.SplitHostPort(c.Addr)
		c.PublicURL = "http://localhost:" + port
	}
	if c.MailFrom == "" {
		u, _ := url.Parse(c.PublicURL)
		c.MailFrom = "WSIS Stocktaking & Prizes <no-reply@" + u.Hostname() + ">"
	}
	return c, nil
}

// logValue lists the configuration for the start-up log, with secrets masked
// and credentials removed from URLs.
func (c config) logValue() []any {
	return []any{
		"addr", c.Addr, "metrics_addr", c.MetricsAddr, "data_dir", c.DataDir, "mongodb_uri", redactURL(c.MongoURI), "database", c.Database,
		"public_url", c.PublicURL, "smtp_url", redactURL(c.SMTPURL), "dev_mailbox", c.DevMailbox,
		"admin_email", c.AdminEmail, "admin_password", mask(c.AdminPassword), "trusted_proxies", c.TrustedProxies,
		"mail_from", c.MailFrom, "rate_limits", fmt.Sprintf("login %s, register %s, refresh %s, forgot %s, write %s",
			c.RateLimits.Login, c.RateLimits.Register, c.RateLimits.Refresh, c.RateLimits.Forgot, c.RateLimits.Write),
		"review_reminders", fmt.Sprint(c.ReviewReminders),
	}
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "********"
}

var userInfo = regexp.MustCompile(`://[^@/]*@`)

// redactURL hides the user info of a URL (a MongoDB URL may name several
// hosts, which net/url does not parse).
func redactURL(s string) string {
	return userInfo.ReplaceAllString(s, "://***@")
}
