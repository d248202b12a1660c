package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/wsis-platform/wsis/models"
)

// Collections of accounts. users holds one document per account; login_keys
// maps a normalised email (its _id) to the account, so that the email's
// uniqueness is the _id's and a login is two _id reads; email_verifications
// records, under the user's id, that the email was verified.
const (
	colUsers              = "users"
	colLoginKeys          = "login_keys"
	colEmailVerifications = "email_verifications"
)

type userDoc struct {
	ID              string                 `bson:"_id"`
	Email           string                 `bson:"email"`
	PasswordHash    string                 `bson:"password_hash"`
	Name            string                 `bson:"name"`
	Organization    string                 `bson:"organization"`
	StakeholderType models.StakeholderType `bson:"stakeholder_type"`
	Country         string                 `bson:"country"`
	Language        string                 `bson:"language,omitempty"`
	Roles           []models.Role          `bson:"roles"`
	Disabled        bool                   `bson:"disabled"`
	SessionVersion  int                    `bson:"session_version"`
	CreatedAt       time.Time              `bson:"created_at"`
	UpdatedAt       time.Time              `bson:"updated_at"`
	Version         int                    `bson:"version"`
	// Seq is the account's change sequence, for the search read model.
	Seq int64 `bson:"seq"`
}

func (d userDoc) user() models.User {
	roles := d.Roles
	if roles == nil {
		roles = []models.Role{}
	}
	lang := d.Language
	if lang == "" {
		lang = models.DefaultLanguage // stored before accounts had a language
	}
	return models.User{ID: d.ID, Email: d.Email, Name: d.Name, Organization: d.Organization,
		StakeholderType: d.StakeholderType, Country: d.Country, Language: lang, Roles: roles, Disabled: d.Disabled,
		SessionVersion: d.SessionVersion, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version, Seq: d.Seq}
}

type loginKeyDoc struct {
	Email  string `bson:"_id"`
	UserID string `bson:"user_id"`
}

// CreateUser stores a new account with its password hash and returns it with
// its id, version 1 and UpdatedAt equal to CreatedAt. The email is unique
// case-insensitively, held by the login key's _id: of concurrent
// registrations of one email exactly one succeeds, the others get an error
// wrapping models.ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u models.User, passwordHash string) (models.User, error) {
	u.ID = bson.NewObjectID().Hex()
	u.Version = 1
	u.UpdatedAt = u.CreatedAt
	if u.Roles == nil {
		u.Roles = []models.Role{}
	}
	if u.Language == "" {
		u.Language = models.DefaultLanguage
	}
	seq, err := s.nextSeq(ctx, seqSearch, 1)
	if err != nil {
		return models.User{}, err
	}
	u.Seq = seq
	if err := s.recordChanges(ctx, models.ChangeUser, seq, u.ID); err != nil {
		return models.User{}, err
	}
	doc := userDoc{ID: u.ID, Email: u.Email, PasswordHash: passwordHash, Name: u.Name, Organization: u.Organization,
		StakeholderType: u.StakeholderType, Country: u.Country, Language: u.Language, Roles: u.Roles, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt, Version: 1, Seq: seq}
	// The account goes in first: a login key must never point at nothing. An
	// account whose key loses the race is removed again; were that removal
	// to fail, the account would be unreachable, not wrong.
	if _, err := s.db.Collection(colUsers).InsertOne(ctx, doc); err != nil {
		return models.User{}, mapInternal("create user", err)
	}
	_, err = s.db.Collection(colLoginKeys).InsertOne(ctx, loginKeyDoc{Email: models.NormalizeEmail(u.Email), UserID: u.ID})
	if err != nil {
		_, _ = s.db.Collection(colUsers).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: u.ID}})
		s.accountWritten(u.ID)
		if isDuplicateKey(err) {
			return models.User{}, fmt.Errorf("store: create user: %w",
				models.WithDetail(models.ErrConflict, "an account with this email already exists"))
		}
		return models.User{}, mapErr("create user", err)
	}
	s.userChanged(u)
	return u, nil
}

// InsertUsers stores many new accounts at once, all with one password hash,
// with one unordered InsertMany of accounts and one of login keys: the
// seeding of demos and benchmarks. Returns ErrConflict, and stores none of
// them, when an email is taken.
func (s *Store) InsertUsers(ctx context.Context, users []models.User, passwordHash string) ([]models.User, error) {
	if len(users) == 0 {
		return nil, nil
	}
	last, err := s.nextSeq(ctx, seqSearch, int64(len(users)))
	if err != nil {
		return nil, err
	}
	docs, keys, ids := make([]any, len(users)), make([]any, len(users)), make([]string, len(users))
	for i := range users {
		u := &users[i]
		u.ID, u.Version, u.UpdatedAt, u.Seq = bson.NewObjectID().Hex(), 1, u.CreatedAt, last-int64(len(users)-1-i)
		ids[i] = u.ID
		if u.Roles == nil {
			u.Roles = []models.Role{}
		}
		if u.Language == "" {
			u.Language = models.DefaultLanguage
		}
		docs[i] = userDoc{ID: u.ID, Email: u.Email, PasswordHash: passwordHash, Name: u.Name, Organization: u.Organization,
			StakeholderType: u.StakeholderType, Country: u.Country, Language: u.Language, Roles: u.Roles, Disabled: u.Disabled,
			CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt, Version: 1, Seq: u.Seq}
		keys[i] = loginKeyDoc{Email: models.NormalizeEmail(u.Email), UserID: u.ID}
	}
	if err := s.recordChanges(ctx, models.ChangeUser, last, ids...); err != nil {
		return nil, err
	}
	unordered := options.InsertMany().SetOrdered(false)
	if _, err := s.db.Collection(colUsers).InsertMany(ctx, docs, unordered); err != nil {
		return nil, mapInternal("insert users", err)
	}
	if _, err := s.db.Collection(colLoginKeys).InsertMany(ctx, keys, unordered); err != nil {
		// As in CreateUser, no account may stay without its login key, nor a
		// key without its account: undo this batch (rare, so a scan is fine).
		ids := make(bson.A, len(users))
		for i, u := range users {
			ids[i] = u.ID
		}
		undo := context.WithoutCancel(ctx)
		_, _ = s.db.Collection(colLoginKeys).DeleteMany(undo, bson.D{{Key: "user_id", Value: bson.D{{Key: "$in", Value: ids}}}})
		_, _ = s.db.Collection(colUsers).DeleteMany(undo, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
		return nil, mapErr("insert users", err)
	}
	for _, u := range users {
		s.userChanged(u)
	}
	return users, nil
}

// UserByID returns the account with id. Returns ErrNotFound when there is
// none.
func (s *Store) UserByID(ctx context.Context, id string) (models.User, error) {
	u, _, err := s.userWithHash(ctx, id)
	return u, err
}

// UserCredentials returns the account registered under email (any case) and
// its password hash, with two _id reads, also when there is none: the second
// then reads an id no account has, so that the time taken does not tell
// whether the email has an account. Returns ErrNotFound when there is none.
func (s *Store) UserCredentials(ctx context.Context, email string) (models.User, string, error) {
	var key loginKeyDoc
	err := s.db.Collection(colLoginKeys).FindOne(ctx, bson.D{{Key: "_id", Value: models.NormalizeEmail(email)}}).Decode(&key)
	if errors.Is(err, mongo.ErrNoDocuments) {
		_, _, _ = s.userWithHash(ctx, bson.NewObjectID().Hex())
	}
	if err != nil {
		return models.User{}, "", mapErr("find login key", err)
	}
	return s.userWithHash(ctx, key.UserID)
}

func (s *Store) userWithHash(ctx context.Context, id string) (models.User, string, error) {
	cache := s.users()
	if cache != nil {
		if u, ok := cache.get(id); ok {
			return u.user, u.hash, nil
		}
	}
	var writes uint64
	if cache != nil {
		writes = cache.begin()
	}
	var d userDoc
	if err := s.db.Collection(colUsers).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return models.User{}, "", mapErr("find user", err)
	}
	if cache != nil {
		cache.put(id, writes, cachedUser{user: d.user(), hash: d.PasswordHash})
	}
	return d.user(), d.PasswordHash, nil
}

// users is the account cache of the embedded database, or nil on MongoDB.
func (s *Store) users() *userCache {
	if s.embedded == nil {
		return nil
	}
	return s.embedded.users(s.db.Name())
}

// accountWritten tells the account cache that the account with id is being
// written; call it before and after the write.
func (s *Store) accountWritten(id string) {
	if c := s.users(); c != nil {
		c.written(id)
	}
}

// ProfilePatch holds the profile fields a user may change; nil leaves a
// field as it is.
type ProfilePatch struct {
	Name            *string
	Organization    *string
	StakeholderType *models.StakeholderType
	Country         *string
	Language        *string
}

// UpdateProfile applies p to the account atomically. With version > 0 the
// account must still be at that version. Returns ErrNotFound for no such
// account and ErrPreconditionFailed for a stale version.
func (s *Store) UpdateProfile(ctx context.Context, id string, version int, p ProfilePatch, at time.Time) (models.User, error) {
	set := bson.D{{Key: "updated_at", Value: at}}
	if p.Name != nil {
		set = append(set, bson.E{Key: "name", Value: *p.Name})
	}
	if p.Organization != nil {
		set = append(set, bson.E{Key: "organization", Value: *p.Organization})
	}
	if p.StakeholderType != nil {
		set = append(set, bson.E{Key: "stakeholder_type", Value: *p.StakeholderType})
	}
	if p.Country != nil {
		set = append(set, bson.E{Key: "country", Value: *p.Country})
	}
	if p.Language != nil {
		set = append(set, bson.E{Key: "language", Value: *p.Language})
	}
	return s.updateUser(ctx, "update profile", id, version, bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
}

// SetPassword replaces the account's password hash and ends all its
// sessions by moving its session version on. Returns ErrNotFound for no such account.
func (s *Store) SetPassword(ctx context.Context, id, passwordHash string, at time.Time) (models.User, error) {
	return s.updateUser(ctx, "set password", id, 0, bson.D{
		{Key: "$set", Value: bson.D{{Key: "password_hash", Value: passwordHash}, {Key: "updated_at", Value: at}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}, {Key: "session_version", Value: 1}}},
	})
}

// AccessPatch holds what an admin may change of an account; nil leaves a
// field as it is.
type AccessPatch struct {
	Roles    *[]models.Role
	Disabled *bool
}

// UpdateAccess applies an admin's change of roles or disabling atomically and
// returns the account before and after: after is before with the patch
// applied, so the pair describes exactly this change even when others
// write the account at the same time. Disabling ends all the account's
// sessions. An empty patch changes nothing, not even the version, and
// returns the account as it is twice. With version > 0 the account must
// still be at that version. Returns ErrNotFound or ErrPreconditionFailed.
func (s *Store) UpdateAccess(ctx context.Context, id string, version int, p AccessPatch, at time.Time) (before, after models.User, err error) {
	if p.Roles == nil && p.Disabled == nil {
		u, err := s.UserByID(ctx, id)
		if err != nil {
			return models.User{}, models.User{}, err
		}
		if version > 0 && u.Version != version {
			return models.User{}, models.User{}, fmt.Errorf("store: update access: %w", models.Stale())
		}
		return u, u, nil
	}
	var (
		d     userDoc
		seq   int64
		roles []models.Role
	)
	err = s.serialize(colUsers, id, func() error {
		s.accountWritten(id)
		defer s.accountWritten(id)
		filter, err := s.userFilter(ctx, "update access", id, version)
		if err != nil {
			return err
		}
		if seq, err = s.nextSeq(ctx, seqSearch, 1); err != nil {
			return err
		}
		if err := s.recordChanges(ctx, models.ChangeUser, seq, id); err != nil {
			return err
		}
		set := bson.D{{Key: "updated_at", Value: at}, {Key: "seq", Value: seq}}
		inc := bson.D{{Key: "version", Value: 1}}
		if p.Roles != nil {
			roles = append([]models.Role{}, *p.Roles...)
			set = append(set, bson.E{Key: "roles", Value: roles})
		}
		if p.Disabled != nil {
			set = append(set, bson.E{Key: "disabled", Value: *p.Disabled})
			if *p.Disabled {
				inc = append(inc, bson.E{Key: "session_version", Value: 1})
			}
		}
		err = s.db.Collection(colUsers).FindOneAndUpdate(ctx, filter,
			bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: inc}},
			options.FindOneAndUpdate().SetReturnDocument(options.Before)).Decode(&d)
		if err != nil {
			return s.staleOrMissing(ctx, "update access", id, err)
		}
		return nil
	})
	if err != nil {
		return models.User{}, models.User{}, err
	}
	before = d.user()
	after = before
	after.Version++
	after.Seq = seq
	after.UpdatedAt = at.Truncate(time.Millisecond).UTC() // as the database keeps it
	if p.Roles != nil {
		after.Roles = roles
	}
	if p.Disabled != nil {
		after.Disabled = *p.Disabled
		if *p.Disabled {
			after.SessionVersion++
		}
	}
	s.userChanged(after)
	return before, after, nil
}

// updateUser applies update to the account and gives it a new change
// sequence, taken before the write like every other.
func (s *Store) updateUser(ctx context.Context, op, id string, version int, update bson.D) (models.User, error) {
	var d userDoc
	err := s.serialize(colUsers, id, func() error {
		s.accountWritten(id)
		defer s.accountWritten(id)
		filter, err := s.userFilter(ctx, op, id, version)
		if err != nil {
			return err
		}
		seq, err := s.nextSeq(ctx, seqSearch, 1)
		if err != nil {
			return err
		}
		if err := s.recordChanges(ctx, models.ChangeUser, seq, id); err != nil {
			return err
		}
		for i, e := range update {
			if e.Key == "$set" {
				update[i].Value = append(e.Value.(bson.D), bson.E{Key: "seq", Value: seq})
			}
		}
		err = s.db.Collection(colUsers).FindOneAndUpdate(ctx, filter, update,
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
		if err != nil {
			return s.staleOrMissing(ctx, op, id, err)
		}
		return nil
	})
	if err != nil {
		return models.User{}, err
	}
	s.userChanged(d.user())
	return d.user(), nil
}

// userFilter returns the filter of an update of account id, run under
// serialize, that must find it at version (any version when 0). On the
// embedded database it checks the version itself with an _id read and
// filters by _id alone, which FerretDB looks up by index (see match).
// Returns ErrNotFound or ErrPreconditionFailed from that check.
func (s *Store) userFilter(ctx context.Context, op, id string, version int) (bson.D, error) {
	filter := bson.D{{Key: "_id", Value: id}}
	switch {
	case version == 0:
	case s.embedded == nil:
		filter = append(filter, bson.E{Key: "version", Value: version})
	default:
		u, err := s.UserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := checkVersion(op, version, u.Version); err != nil {
			return nil, err
		}
	}
	return filter, nil
}

// staleOrMissing tells a stale version (the account exists) from a missing
// account after a conditional update matched nothing.
func (s *Store) staleOrMissing(ctx context.Context, op, id string, err error) error {
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return mapErr(op, err)
	}
	if _, err := s.UserByID(ctx, id); err != nil {
		return mapErr(op, err)
	}
	return fmt.Errorf("store: %s: %w", op, models.Stale())
}

// MarkEmailVerified records that the account's email is verified. It is
// idempotent. It returns only the database's errors.
func (s *Store) MarkEmailVerified(ctx context.Context, userID string, at time.Time) error {
	_, err := s.db.Collection(colEmailVerifications).InsertOne(ctx, bson.D{{Key: "_id", Value: userID}, {Key: "verified_at", Value: at}})
	if err != nil && !isDuplicateKey(err) {
		return mapErr("mark email verified", err)
	}
	return nil
}

// EmailVerified reports whether the account's email is verified. It returns only the database's errors.
func (s *Store) EmailVerified(ctx context.Context, userID string) (bool, error) {
	err := s.db.Collection(colEmailVerifications).FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, mapErr("read email verification", err)
	}
	return true, nil
}
