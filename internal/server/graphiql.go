package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// The GraphiQL page and every file it loads are embedded, so that / works on a machine with
// no internet. graphiql/README.md says where each file comes from and how to refresh them.
//
//go:embed graphiql/index.html graphiql/static graphiql/examples
var graphiqlFiles embed.FS

// GraphiQLExample is a query the page opens in a tab of its own.
type GraphiQLExample struct {
	// Name is the file name without its extension, e.g. "1-members-on-date".
	Name string `json:"name"`
	// Query is the GraphQL document, from graphiql/examples/NAME.graphql.
	Query string `json:"query"`
	// Variables is the JSON of its variables, from NAME.json beside it, or "".
	Variables string `json:"variables,omitempty"`
}

// GraphiQLExamples returns the example queries, in file name order.
func GraphiQLExamples() ([]GraphiQLExample, error) {
	names, err := fs.Glob(graphiqlFiles, "graphiql/examples/*.graphql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]GraphiQLExample, 0, len(names))
	for _, name := range names {
		q, err := fs.ReadFile(graphiqlFiles, name)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(name, ".graphql")
		e := GraphiQLExample{Name: path.Base(base), Query: string(q)}
		if v, err := fs.ReadFile(graphiqlFiles, base+".json"); err == nil {
			e.Variables = string(v)
		}
		out = append(out, e)
	}
	return out, nil
}

// GraphiQLAssetPrefix is the URL path under which the page's scripts, styles and licences
// are served.
const GraphiQLAssetPrefix = "/graphiql/"

// graphiqlCSP lets the page load only what this server serves. GraphiQL sets inline styles
// and its stylesheet embeds fonts and icons as data: URLs.
const graphiqlCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; " +
	"form-action 'none'; frame-ancestors 'self'"

// graphiqlContentTypes are the types of the embedded files, fixed here rather than taken from the
// host's MIME tables, which differ between machines.
var graphiqlContentTypes = map[string]string{
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".txt":  "text/plain; charset=utf-8",
	".html": "text/html; charset=utf-8",
}

// graphiqlAsset is one embedded file, ready to serve.
type graphiqlAsset struct {
	body        []byte
	contentType string
	etag        string
	version     string // a hash of the body, for the ?v= of the URLs the page uses

	gzipOnce sync.Once
	gzipped  []byte // nil when compressing does not pay
}

// gzipBody compresses the body once, on first use, so that starting the server stays fast.
func (a *graphiqlAsset) gzipBody() []byte {
	a.gzipOnce.Do(func() {
		if len(a.body) < 1024 {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(a.body)
		_ = zw.Close()
		if buf.Len() < len(a.body)*9/10 {
			a.gzipped = buf.Bytes()
		}
	})
	return a.gzipped
}

func newGraphiQLAsset(name string, body []byte) *graphiqlAsset {
	sum := sha256.Sum256(body)
	v := hex.EncodeToString(sum[:8])
	ct, ok := graphiqlContentTypes[path.Ext(name)]
	if !ok {
		ct = "application/octet-stream"
	}
	return &graphiqlAsset{body: body, contentType: ct, etag: `"` + v + `"`, version: v}
}

// graphiqlHandler serves the page and its assets.
type graphiqlHandler struct {
	page   *graphiqlAsset
	assets map[string]*graphiqlAsset // by path below GraphiQLAssetPrefix, e.g. "graphiql.min.js"
}

var (
	graphiqlOnce sync.Once
	graphiqlH    *graphiqlHandler
)

// GraphiQL returns the handler of the GraphiQL page, at /, and of the files it loads, under
// GraphiQLAssetPrefix. The page talks to the API at graphql beside it, opens with example
// queries, and loads nothing from any other host. Route both to it:
//
//	mux.Handle("GET /{$}", h)
//	mux.Handle("GET "+server.GraphiQLAssetPrefix, h)
//
// Its files are read and hashed on the first request for one, not when the server starts.
func GraphiQL() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { loadedGraphiQL().ServeHTTP(w, r) })
}

// loadedGraphiQL is the GraphiQL handler, its files read and hashed once.
func loadedGraphiQL() *graphiqlHandler {
	graphiqlOnce.Do(func() {
		h, err := loadGraphiQL()
		if err != nil {
			panic(fmt.Sprintf("graphiql: embedded files: %v", err)) // a broken build, caught by the tests
		}
		graphiqlH = h
	})
	return graphiqlH
}

func loadGraphiQL() (*graphiqlHandler, error) {
	static, err := fs.Sub(graphiqlFiles, "graphiql/static")
	if err != nil {
		return nil, err
	}
	h := &graphiqlHandler{assets: map[string]*graphiqlAsset{}}
	err = fs.WalkDir(static, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(static, name)
		if err != nil {
			return err
		}
		h.assets[name] = newGraphiQLAsset(name, body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("index.html").Funcs(template.FuncMap{
		// asset names a file of the page by a relative URL that changes with its content, so
		// that browsers may cache it for good.
		"asset": func(name string) (string, error) {
			a, ok := h.assets[name]
			if !ok {
				return "", fmt.Errorf("no embedded file %q", name)
			}
			return strings.TrimPrefix(GraphiQLAssetPrefix, "/") + name + "?v=" + a.version, nil
		},
	}).ParseFS(graphiqlFiles, "graphiql/index.html")
	if err != nil {
		return nil, err
	}
	examples, err := GraphiQLExamples()
	if err != nil {
		return nil, err
	}
	var page bytes.Buffer
	if err := tmpl.Execute(&page, struct{ Examples []GraphiQLExample }{examples}); err != nil {
		return nil, err
	}
	h.page = newGraphiQLAsset("index.html", page.Bytes())
	return h, nil
}

func (h *graphiqlHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/" {
		w.Header().Set("Content-Security-Policy", graphiqlCSP)
		w.Header().Set("Referrer-Policy", "no-referrer")
		// The page is small and names its assets by content, so revalidate it every time.
		h.serve(w, r, h.page, "no-cache")
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, GraphiQLAssetPrefix)
	a := h.assets[name]
	if !ok || a == nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	cache := "no-cache"
	if r.URL.Query().Get("v") == a.version {
		cache = "public, max-age=31536000, immutable"
	}
	h.serve(w, r, a, cache)
}

func (h *graphiqlHandler) serve(w http.ResponseWriter, r *http.Request, a *graphiqlAsset, cacheControl string) {
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", cacheControl)
	hd.Set("X-Content-Type-Options", "nosniff")
	addVary(hd, "Accept-Encoding")
	if graphiqlAcceptsGzip(r) {
		if gz := a.gzipBody(); gz != nil {
			// Each encoding of a file is its own representation, with its own strong ETag.
			hd.Set("ETag", strings.TrimSuffix(a.etag, `"`)+`-gzip"`)
			http.ServeContent(encodedWriter{w, "gzip"}, r, "", time.Time{}, bytes.NewReader(gz))
			return
		}
	}
	hd.Set("ETag", a.etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}

// encodedWriter labels the body with its Content-Encoding once http.ServeContent sends it
// (200, or 206 for a range of the encoded bytes), and not on a 304 or an error. Set before
// ServeContent, the header would make it leave out Content-Length.
type encodedWriter struct {
	http.ResponseWriter
	coding string
}

func (e encodedWriter) WriteHeader(code int) {
	if code == http.StatusOK || code == http.StatusPartialContent {
		e.Header().Set("Content-Encoding", e.coding)
	}
	e.ResponseWriter.WriteHeader(code)
}

func (e encodedWriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }

// graphiqlAcceptsGzip reports whether the client takes gzip, honouring an explicit q=0.
func graphiqlAcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
