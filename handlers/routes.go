package handlers

import (
	"github.com/gin-gonic/gin"

	"github.com/wsis-platform/wsis/models"
)

// routes is the whole route table, grouped by who may call. Every route is in
// openapi.yaml and every path there is routed here (TestOpenAPI_MatchesRoutes).
// Routes that read the session cookie take crossOrigin, which refuses
// cross-site requests; users' writes take perAccount, their limit.
func (s *server) routes(r *gin.Engine, crossOrigin gin.HandlerFunc) {
	perAccount, votes := s.limitWrites(), s.limitVotes()
	root := headRouter{&r.RouterGroup} // every GET route answers HEAD too

	// The web UI: server-rendered pages in the visitor's language, for
	// visitors and signed-in users (browser session cookie), and the
	// embedded assets they load. Every form that changes state refuses
	// cross-site requests.
	w := newWebUI(s)
	pages := root.Group("", w.pageLanguage(), w.pageSession())
	pages.GET("/", w.homePage)
	pages.GET("/projects", w.cataloguePage)
	pages.GET("/projects/:id", w.projectPage) // published, or the owner's or an admin's
	pages.GET("/stats", w.statsPage)
	pages.GET("/contests/:year/nominees", w.nomineesPage)
	pages.GET("/contests/:year/results", w.resultsPage)
	pages.GET("/register", w.registerPage)
	pages.GET("/verify-email", w.verifyPage) // the link in the verification mail
	pages.GET("/login", w.loginPage)
	pages.GET("/forgot-password", w.forgotPage)
	pages.GET("/reset-password", w.resetPage) // the link in the reset mail
	forms := pages.Group("", w.refuseCrossSite())
	w.consoleRoutes(pages, forms) // the secretariat's console, for admins (page_admin_home.go)
	forms.POST("/register", w.register)
	forms.POST("/verify-email", w.verifyEmail)
	forms.POST("/login", w.login)
	forms.POST("/logout", w.logout)
	forms.POST("/forgot-password", w.forgotPassword)
	forms.POST("/reset-password", w.resetPassword)
	w.oversightPages(pages, forms) // admins: tally, anomalies, publication, users, audit, exports
	// Signed-in users; a visitor is sent to the login form.
	signedIn := pages.Group("", requirePageUser())
	signedIn.GET("/profile", w.profilePage)
	// Stakeholders' own projects; another user's project is 404.
	signedIn.GET("/my/projects", w.myProjectsPage)
	signedIn.GET("/my/projects/new", w.newProjectPage)
	signedIn.GET("/my/projects/:id/edit", w.editProjectPage)
	// Nominators, during the submission window; another user's nomination
	// is 404.
	signedIn.GET("/contests/:year/nominate", w.nominatePage)
	signedIn.GET("/my/nominations", w.myNominationsPage)
	signedIn.GET("/my/nominations/:id/edit", w.editNominationPage)
	// Voters: the ballot, one category at a time, its confirmation step,
	// and the voter's votes with their receipts.
	signedIn.GET("/contests/:year/ballot", w.ballotPage)
	signedIn.GET("/contests/:year/ballot/confirm", w.confirmVotePage)
	signedIn.GET("/contests/:year/my-votes", w.myVotesPage)
	signedIn.GET("/contests/:year/my-votes/:id/proof", w.voteProofPage)
	signedInForms := forms.Group("", requirePageUser())
	signedInForms.POST("/profile", w.saveProfile)
	signedInForms.POST("/profile/verify-email", w.resendVerification)
	signedInForms.POST("/contests/:year/ballot", w.castVote)
	signedInForms.POST("/my/projects", w.createProject)
	signedInForms.POST("/my/projects/:id", w.saveProject)
	signedInForms.POST("/my/projects/:id/submit", w.submitProject)
	signedInForms.POST("/contests/:year/nominate", w.nominate)
	signedInForms.POST("/my/nominations/:id", w.saveNomination)
	signedInForms.POST("/my/nominations/:id/withdraw", w.withdrawNomination)
	// The Expert Group's console under /review and the admins' follow-up of
	// the review (page_review.go).
	w.reviewPages(signedIn, signedInForms)
	root.GET("/assets/:name", s.asset)
	root.GET("/sitemap.xml", w.sitemap) // the published projects, for search engines
	root.GET("/robots.txt", w.robots)
	root.GET("/healthz", s.healthz)
	root.GET("/readyz", s.readyz)
	if s.metricsOn { // else on an address of its own (WSIS_METRICS_ADDR)
		root.GET("/metrics", s.metrics())
	}
	root.GET("/.well-known/jwks.json", s.jwks)

	api := root.Group("/api/v1")

	// Anyone.
	api.GET("/openapi.yaml", s.openAPI)
	api.GET("/reference", s.reference)
	api.POST("/auth/register", s.register)
	api.POST("/auth/verify-email", s.verifyEmail)
	api.POST("/auth/login", s.login)
	api.POST("/auth/refresh", crossOrigin, s.refresh)
	api.POST("/auth/logout", crossOrigin, s.logout)
	api.POST("/auth/password/forgot", s.forgotPassword)
	api.POST("/auth/password/reset", s.resetPassword)
	api.GET("/dev/mailbox", s.devMailbox) // only with WSIS_DEV_MAILBOX=true
	api.GET("/projects", s.catalogue)
	api.GET("/projects/export", s.exportProjects)
	api.GET("/stats", s.stats)

	api.GET("/contests", s.listContests)
	api.GET("/contests/:year", s.getContest)
	api.GET("/contests/:year/nominees", s.nominees)
	api.GET("/contests/:year/results", s.results)         // once published; 404 before
	api.GET("/contests/:year/commitments", s.commitments) // once voting closed; 404 before

	// Anyone; the owner (nominator) and admins see more.
	api.GET("/projects/:id", s.allowAnonymous(), s.getProject)
	api.GET("/nominations/:id", s.allowAnonymous(), s.getNomination)

	// Signed-in users.
	user := api.Group("", s.requireUser())
	user.GET("/me", s.getMe)
	user.PATCH("/me", perAccount, s.patchMe)
	user.POST("/auth/verify-email/resend", s.resendVerification)
	user.GET("/me/projects", s.myProjects)
	user.POST("/projects", perAccount, s.createProject)
	// The owner only; another user's project is 404.
	user.PATCH("/projects/:id", perAccount, s.patchProject)
	user.DELETE("/projects/:id", perAccount, s.deleteProject)
	user.POST("/projects/:id/submit", perAccount, s.submitProject)
	user.GET("/me/nominations", s.myNominations)
	user.POST("/contests/:year/nominations", perAccount, s.nominate)
	// The nominator only, during the submission window.
	user.PATCH("/nominations/:id", perAccount, s.patchNomination)
	user.DELETE("/nominations/:id", perAccount, s.withdrawNomination)
	// Verified, enabled voters, during the voting window.
	user.GET("/contests/:year/ballot", s.ballot)
	user.POST("/contests/:year/votes", votes, s.castVote)
	user.GET("/me/votes", s.myVotes)
	user.GET("/me/votes/:id/proof", s.voteProof)

	// The Expert Group (reviewers); another reviewer's assignment is 404.
	reviewer := api.Group("/reviewer", s.requireUser(), requireRole(models.RoleReviewer))
	reviewer.GET("/conflicts", s.getConflicts)
	reviewer.PUT("/conflicts", s.putConflicts)
	reviewer.GET("/assignments", s.myAssignments)
	reviewer.PUT("/assignments/:id/review", s.putReview)
	// During the selection window; a reviewer reads only their own picks.
	reviewer.GET("/contests/:year/selection", s.mySelections)
	reviewer.PUT("/contests/:year/selection/:category", s.putSelection)

	// Admins.
	admin := api.Group("/admin", s.requireUser(), requireRole(models.RoleAdmin))
	admin.GET("/users", s.listUsers)
	admin.PATCH("/users/:id", s.patchUser)
	admin.GET("/audit", s.listAudit)
	admin.GET("/projects", s.moderationQueue)
	admin.POST("/projects/:id/publish", s.moderate(models.ModeratePublish))
	admin.POST("/projects/:id/return", s.moderate(models.ModerateReturn))
	admin.POST("/projects/:id/reject", s.moderate(models.ModerateReject))
	admin.POST("/contests", s.createContest)
	admin.PATCH("/contests/:year", s.patchContest)
	admin.GET("/contests/:year/nominations", s.contestNominations)
	admin.POST("/nominations/:id/ineligible", s.markIneligible)
	admin.GET("/contests/:year/export", s.exportContest)
	admin.POST("/contests/:year/assignments/auto", s.autoAssign)
	admin.POST("/assignments", s.assignReviewer)
	admin.DELETE("/assignments/:id", s.unassignReviewer)
	admin.GET("/contests/:year/rankings", s.rankings)
	admin.POST("/contests/:year/nominees/publish", s.publishNominees)
	admin.GET("/contests/:year/tally", s.tally)
	admin.POST("/votes/invalidate", s.invalidateVotes)
	admin.GET("/contests/:year/anomalies", s.anomalies)
	admin.POST("/contests/:year/commitments/publish", s.publishCommitment)
	admin.POST("/contests/:year/champions/publish", s.publishChampions)
	admin.POST("/contests/:year/results/publish", s.publishResults)
	// A reviewer's read of one assignment, the reviewers' progress and their
	// extensions (reviewer_progress.go).
	s.reviewerProgressRoutes(reviewer, admin)

	// Any other path is 404: a page for browsers, a problem for the API.
	r.NoRoute(s.noRoute)
	r.NoMethod(s.noMethod)
}
