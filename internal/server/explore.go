package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
)

// ExplorePath is where the explore page is served: find a state or organization, see its
// card, its timeline and its neighbourhood in the graph. Its script, stylesheet and the
// graph-drawing library (Cytoscape.js) are embedded beside GraphiQL's files and served under
// GraphiQLAssetPrefix; graphiql/README.md says where they come from.
const ExplorePath = "/explore"

//go:embed graphiql/explore.html
var exploreFiles embed.FS

var (
	exploreOnce sync.Once
	explorePage *graphiqlAsset
)

// Explore returns the handler of the explore page. It loads nothing from any other host
// and answers under the same Content-Security-Policy as GraphiQL. Route it and GraphiQL's
// assets:
//
//	mux.Handle("GET "+server.ExplorePath, server.Explore())
//	mux.Handle("GET "+server.GraphiQLAssetPrefix, server.GraphiQL())
//
// Like GraphiQL's, its page is read on the first request for it.
func Explore() http.Handler {
	load := func() {
		p, err := loadExplore(loadedGraphiQL())
		if err != nil {
			panic(fmt.Sprintf("explore: embedded files: %v", err)) // a broken build, caught by the tests
		}
		explorePage = p
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		exploreOnce.Do(load)
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Security-Policy", graphiqlCSP)
		w.Header().Set("Referrer-Policy", "no-referrer")
		// The page is the same for every ?id=: the script reads it and says when it names
		// nothing.
		graphiqlH.serve(w, r, explorePage, "no-cache")
	})
}

func loadExplore(h *graphiqlHandler) (*graphiqlAsset, error) {
	tmpl, err := template.New("explore.html").Funcs(template.FuncMap{
		// asset names an embedded file by a URL relative to /explore that changes with its
		// content.
		"asset": func(name string) (string, error) {
			a, ok := h.assets[name]
			if !ok {
				return "", fmt.Errorf("no embedded file %q", name)
			}
			return strings.TrimPrefix(GraphiQLAssetPrefix, "/") + name + "?v=" + a.version, nil
		},
	}).ParseFS(exploreFiles, "graphiql/explore.html")
	if err != nil {
		return nil, err
	}
	var page bytes.Buffer
	if err := tmpl.Execute(&page, nil); err != nil {
		return nil, err
	}
	return newGraphiQLAsset("explore.html", page.Bytes()), nil
}
