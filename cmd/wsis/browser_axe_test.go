package main

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored under testdata (its README says which
// version and from where).
var axeSource = sync.OnceValues(func() ([]byte, error) {
	return os.ReadFile("testdata/axe-core-4.10.3/axe.min.js")
})

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// checkAccessibility runs axe-core on the page the browser shows, named
// page in failures, and fails t on every serious or critical violation of
// WCAG 2.1 A and AA. The script is evaluated through the DevTools protocol,
// which the pages' content security policy does not restrict.
func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatal(err)
	}
	var violations []axeViolation
	err = chromedp.Run(ctx,
		chromedp.Evaluate(string(src), nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
			resultTypes: ["violations"]}).then(r => r.violations)`, &violations,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	for _, v := range violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, strings.Join(n.Target, " "))
		}
		t.Errorf("%s: %s (%s): %s, at %s", page, v.ID, v.Impact, v.Help, strings.Join(targets, "; "))
	}
}
