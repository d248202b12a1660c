package handlers

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

type moderationRequest struct {
	Note string `json:"note" validate:"max=2000,multiline"`
}

// moderationSteps are the admins' decisions on a submitted project: the
// state each leads to and whether it needs a note for the owner.
var moderationSteps = map[string]struct {
	state     models.ProjectState
	needsNote bool
}{
	"publish": {models.ProjectPublished, false},
	"return":  {models.ProjectReturned, true},
	"reject":  {models.ProjectRejected, true},
}

// moderate publishes, returns or rejects a submitted project; admins only.
// Publishing makes the working copy the public version. Each step is audited
// and mailed to the owner.
func (s *server) moderate(step string) gin.HandlerFunc {
	target := moderationSteps[step]
	return func(c *gin.Context) {
		version, ok := ifMatch(c)
		if !ok {
			return
		}
		var req moderationRequest
		if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
			return
		}
		if target.needsNote && len(req.Note) == 0 {
			respondError(c, models.Invalid("note", "is required: tell the owner why"))
			return
		}
		ctx := c.Request.Context()
		now := s.clock.Now()
		var before models.ProjectState
		p, err := s.store.UpdateProject(ctx, c.Param("id"), "", version, now, func(p *models.Project) error {
			if err := p.CanModerate(); err != nil {
				return err
			}
			before = p.State
			p.State, p.Note = target.state, req.Note
			if target.state == models.ProjectRejected && p.Published != nil {
				// A rejected edit of a published entry falls back to the
				// published version, which stays public and editable.
				p.ProjectContent, p.State = *p.Published, models.ProjectPublished
			}
			if target.state == models.ProjectPublished {
				published := p.ProjectContent
				p.Published = &published
				if p.PublishedAt == nil {
					p.PublishedAt = &now
				}
			}
			return nil
		})
		if err != nil {
			respondError(c, err)
			return
		}
		s.record(c, "project."+step, "project", p.ID, map[string]any{"state": before}, map[string]any{"state": p.State, "note": p.Note})
		s.mailOwner(ctx, c, p, target.state, now)
		answerProject(c, http.StatusOK, p)
	}
}

// mailOwner tells the project's owner of a moderation decision. The decision
// stands even if the mail cannot be queued; that is logged.
func (s *server) mailOwner(ctx context.Context, c *gin.Context, p models.Project, decision models.ProjectState, at time.Time) {
	owner, err := s.store.UserByID(ctx, p.OwnerID)
	if err == nil {
		body := fmt.Sprintf("Hello %s,\n\nThe moderators' decision on your Stocktaking entry \"%s\": %s.\n", owner.Name, p.Title, decision)
		if decision == models.ProjectRejected && p.State == models.ProjectPublished {
			body += "Your changes were not accepted; the published version stays as it was.\n"
		}
		if p.Note != "" {
			body += "\nThe moderators wrote:\n\n" + p.Note + "\n"
		}
		body += "\nSee it at " + s.publicURL + "/projects/" + p.ID + "\n"
		_, err = s.mailer.Send(ctx, models.Mail{To: owner.Email, Kind: models.MailProjectChanged,
			Subject: fmt.Sprintf("Your WSIS Stocktaking entry: %s", decision), Body: body, CreatedAt: at})
	}
	if err != nil {
		logger(c).ErrorContext(ctx, "moderation mail not queued", "err", err, "project", p.ID)
	}
}
