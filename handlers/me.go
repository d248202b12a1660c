package handlers

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
	"github.com/wsis-platform/wsis/store"
)

// getMe answers the signed-in user's profile, with whether the email is
// verified. The password hash never leaves the store.
func (s *server) getMe(c *gin.Context) {
	user, err := s.app.Profile(useCase(c), currentUser(c))
	if err != nil {
		respondError(c, err)
		return
	}
	answerProfile(c, user)
}

type patchMeRequest struct {
	Name            *string                 `json:"name" validate:"omitempty,min=1,max=200,singleline"`
	Organization    *string                 `json:"organization" validate:"omitempty,min=1,max=200,singleline"`
	StakeholderType *models.StakeholderType `json:"stakeholder_type" validate:"omitempty,stakeholder_type"`
	Country         *string                 `json:"country" validate:"omitempty,country"`
	Language        *string                 `json:"language" validate:"omitempty,oneof=en fr es ar zh ru"`
}

// normalize trims the name and organization, so that a blank one is empty
// and refused.
func (r *patchMeRequest) normalize() {
	for _, p := range []*string{r.Name, r.Organization} {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
}

// patchMe changes the fields of the user's profile that a user may change;
// email, roles and state are not among them. With If-Match the profile must
// still be at that version (412 otherwise; app.Service.EditProfile).
func (s *server) patchMe(c *gin.Context) {
	version, ok := ifMatch(c)
	if !ok {
		return
	}
	var req patchMeRequest
	if !bindJSON(c, &req) {
		return
	}
	user, err := s.app.EditProfile(useCase(c), currentUser(c), version, store.ProfilePatch{
		Name: req.Name, Organization: req.Organization, StakeholderType: req.StakeholderType, Country: req.Country,
		Language: req.Language,
	})
	if err != nil {
		respondError(c, err)
		return
	}
	answerProfile(c, user)
}

// answerProfile answers a user's profile with its version as the ETag.
func answerProfile(c *gin.Context, user models.User) {
	c.Header("ETag", etag(user.Version))
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, user)
}
