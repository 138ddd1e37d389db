package export

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Prefix is the URL path under which Handler serves the exports.
const Prefix = "/export/"

// CacheControl is how long clients and CDNs may keep an export without asking again. The
// data only changes with a new build; the ETag names the build, so asking again is cheap.
const CacheControl = "public, max-age=300"

// Handler serves GET /export/graph.json and GET /export/{kind}.csv from the store. The
// store is read-only, so each file is built once, on its first request, and kept. Route
// Prefix to it:
//
//	mux.Handle("GET "+export.Prefix, export.Handler(store, logger))
func Handler(store *sqlite.Store, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return &handler{store: store, logger: logger, files: map[string][]byte{}}
}

type handler struct {
	store  *sqlite.Store
	logger *slog.Logger

	mu    sync.Mutex // guards data and files, and makes concurrent first requests build once
	data  *Data
	files map[string][]byte
}

var contentTypes = map[string]string{
	".json": "application/json",
	".csv":  "text/csv; charset=utf-8; header=present",
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, _ := strings.CutPrefix(r.URL.Path, Prefix)
	if !slices.Contains(Files(), name) {
		http.Error(w, fmt.Sprintf("no export %q: the exports are %s", name, strings.Join(h.urls(), ", ")), http.StatusNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", contentTypes[path.Ext(name)])
	hd.Set("Cache-Control", CacheControl)
	hd.Set("ETag", `"`+h.store.Version()+"-"+name+`"`)
	hd.Set("X-Content-Type-Options", "nosniff")
	if path.Ext(name) == ".csv" {
		hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	if matches(r.Header.Get("If-None-Match"), hd.Get("ETag")) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, err := h.file(r.Context(), name)
	if err != nil {
		if r.Context().Err() == nil {
			h.logger.ErrorContext(r.Context(), "export failed", "file", name, "err", err)
		}
		hd.Del("ETag")
		hd.Del("Cache-Control")
		hd.Del("Content-Disposition")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}

// file returns the export, building it on first use.
func (h *handler) file(ctx context.Context, name string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b, ok := h.files[name]; ok {
		return b, nil
	}
	if h.data == nil {
		d, err := Load(ctx, h.store)
		if err != nil {
			return nil, err
		}
		h.data = d
	}
	var buf bytes.Buffer
	if err := h.data.Write(&buf, name); err != nil {
		return nil, err
	}
	h.files[name] = buf.Bytes()
	return buf.Bytes(), nil
}

func (h *handler) urls() []string {
	var out []string
	for _, f := range Files() {
		out = append(out, Prefix+f)
	}
	return out
}

// matches reports whether an If-None-Match header names etag, or is "*".
func matches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
