package handlers

// IsUIPageForTest is isUIPage: the contract tests leave the UI's pages,
// which are HTML and not API routes, out of openapi.yaml's reach.
var IsUIPageForTest = isUIPage
