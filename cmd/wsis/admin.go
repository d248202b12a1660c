package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// ensureAdmin creates a verified admin with email and password, or, when the
// account exists, makes it one: it sets the password only when the password
// does not already verify (which ends the account's sessions), grants the
// admin role and enables the account only when needed, and verifies the
// email. Running it again with the same values changes nothing and audits
// nothing, so every start of every replica may call it; replicas that create
// the account at once all succeed, one of them creating it. Each change is
// audited as the system's.
func ensureAdmin(ctx context.Context, st *store.Store, hasher *auth.Hasher, email, password string, clock models.Clock) (models.User, error) {
	if err := models.CheckPassword("password", password); err != nil {
		return models.User{}, err
	}
	now := clock.Now()
	user, hash, err := st.UserCredentials(ctx, email)
	if errors.Is(err, models.ErrNotFound) {
		user, err = createAdmin(ctx, st, hasher, email, password, now)
		if errors.Is(err, models.ErrConflict) {
			// Another replica created it since we looked.
			user, hash, err = st.UserCredentials(ctx, email)
			if err == nil {
				user, err = updateAdmin(ctx, st, hasher, user, hash, password, now)
			}
		}
	} else if err == nil {
		user, err = updateAdmin(ctx, st, hasher, user, hash, password, now)
	}
	if err != nil {
		return models.User{}, err
	}
	return user, st.MarkEmailVerified(ctx, user.ID, now)
}

// createAdmin stores a new admin account and audits its creation. Returns an
// error wrapping models.ErrConflict when the email has an account.
func createAdmin(ctx context.Context, st *store.Store, hasher *auth.Hasher, email, password string, now time.Time) (models.User, error) {
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return models.User{}, err
	}
	user, err := st.CreateUser(ctx, models.User{Email: email, Name: "Administrator", Organization: "WSIS secretariat",
		StakeholderType: models.StakeholderInternationalOrganization, Country: "CH",
		Roles: []models.Role{models.RoleAdmin}, CreatedAt: now}, hash)
	if err != nil {
		return models.User{}, err
	}
	return user, st.Audit(ctx, models.AuditEntry{Time: now, ActorID: models.ActorSystem, Action: "admin.create",
		TargetType: "user", TargetID: user.ID, After: map[string]any{"email": email, "roles": user.Roles}})
}

// updateAdmin brings the existing account user, whose password hash is
// hash, to an enabled admin with password, changing only what differs, and
// audits the changes in one entry when there are any.
func updateAdmin(ctx context.Context, st *store.Store, hasher *auth.Hasher, user models.User, hash, password string, now time.Time) (models.User, error) {
	before, after := map[string]any{}, map[string]any{}
	same, err := hasher.Verify(ctx, hash, password)
	if err != nil && !errors.Is(err, auth.ErrMalformedHash) {
		return models.User{}, err
	}
	if !same {
		if hash, err = hasher.Hash(ctx, password); err != nil {
			return models.User{}, err
		}
		if user, err = st.SetPassword(ctx, user.ID, hash, now); err != nil {
			return models.User{}, err
		}
		before["password"], after["password"] = "old", "changed"
	}
	var patch store.AccessPatch
	if !user.HasRole(models.RoleAdmin) {
		roles := append(slices.Clone(user.Roles), models.RoleAdmin)
		patch.Roles = &roles
	}
	if user.Disabled {
		enabled := false
		patch.Disabled = &enabled
	}
	if patch.Roles != nil || patch.Disabled != nil {
		var old models.User
		if old, user, err = st.UpdateAccess(ctx, user.ID, 0, patch, now); err != nil {
			return models.User{}, err
		}
		before["roles"], before["disabled"] = old.Roles, old.Disabled
		after["roles"], after["disabled"] = user.Roles, user.Disabled
	}
	if len(after) == 0 {
		return user, nil
	}
	return user, st.Audit(ctx, models.AuditEntry{Time: now, ActorID: models.ActorSystem, Action: "admin.update",
		TargetType: "user", TargetID: user.ID, Before: before, After: after})
}

const adminUsage = `Usage: wsis admin create --email EMAIL [configuration flags]

Creates a verified admin, or makes an existing account one, with the
password read from the first line of standard input (or typed at the
prompt). The configuration flags and variables are those of "wsis serve".
`

// adminCommand runs "wsis admin create".
func adminCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, adminUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return flag.ErrHelp
		}
		return errors.New(`admin: the only subcommand is "create"`)
	}
	var email string
	cfg, err := loadConfig("wsis admin create", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email of the admin")
	})
	if err != nil {
		return err
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return errors.New("admin create: --email must be an email address")
	}
	fmt.Fprint(stderr, "Password (at least 12 characters): ")
	password, err := readPassword(stdin)
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("admin create: read password: %w", err)
	}

	st, err := openStore(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	user, err := ensureAdmin(ctx, st, auth.NewHasher(1), email, password, models.SystemClock{})
	if err != nil {
		return fmt.Errorf("admin create: %w", err)
	}
	fmt.Fprintf(stdout, "admin %s ready (id %s)\n", user.Email, user.ID)
	return nil
}

// readPassword reads a password: from a terminal without echoing it, and
// otherwise as the first line of in (a pipe or a file).
func readPassword(in io.Reader) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		return string(b), err
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
