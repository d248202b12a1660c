package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"

	"github.com/wsis-platform/wsis/auth"
	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// ensureAdmin creates a verified admin with email and password, or, when the
// account exists, sets its password, grants it the admin role, enables it
// and verifies its email. Each change is audited as the system's.
func ensureAdmin(ctx context.Context, st *store.Store, hasher *auth.Hasher, email, password string, clock models.Clock) (models.User, error) {
	if err := models.CheckPassword("password", password); err != nil {
		return models.User{}, err
	}
	hash, err := hasher.Hash(ctx, password)
	if err != nil {
		return models.User{}, err
	}
	now := clock.Now()
	user, _, err := st.UserCredentials(ctx, email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		user, err = st.CreateUser(ctx, models.User{Email: email, Name: "Administrator", Organization: "WSIS secretariat",
			StakeholderType: models.StakeholderInternationalOrganization, Country: "CH",
			Roles: []models.Role{models.RoleAdmin}, CreatedAt: now}, hash)
		if err != nil {
			return models.User{}, err
		}
		err = st.Audit(ctx, models.AuditEntry{Time: now, ActorID: models.ActorSystem, Action: "admin.create",
			TargetType: "user", TargetID: user.ID, After: map[string]any{"email": email, "roles": user.Roles}})
	case err == nil:
		if _, err = st.SetPassword(ctx, user.ID, hash, now); err != nil {
			return models.User{}, err
		}
		roles := user.Roles
		if !slices.Contains(roles, models.RoleAdmin) {
			roles = append(slices.Clone(roles), models.RoleAdmin)
		}
		enabled := false
		var before models.User
		before, user, err = st.UpdateAccess(ctx, user.ID, 0, store.AccessPatch{Roles: &roles, Disabled: &enabled}, now)
		if err != nil {
			return models.User{}, err
		}
		err = st.Audit(ctx, models.AuditEntry{Time: now, ActorID: models.ActorSystem, Action: "admin.update",
			TargetType: "user", TargetID: user.ID,
			Before: map[string]any{"roles": before.Roles, "disabled": before.Disabled, "password": "changed"},
			After:  map[string]any{"roles": user.Roles, "disabled": user.Disabled}})
	}
	if err != nil {
		return models.User{}, err
	}
	return user, st.MarkEmailVerified(ctx, user.ID, now)
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
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("admin create: read password: %w", err)
	}
	fmt.Fprintln(stderr)
	password := strings.TrimRight(line, "\r\n")

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
