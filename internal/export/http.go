package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/treatygraph/treatygraph/internal/conditional"
	"github.com/treatygraph/treatygraph/internal/kg"
	"github.com/treatygraph/treatygraph/internal/sqlite"
)

// Prefix is the URL path under which Handler serves the exports.
const Prefix = "/export/"

// DefaultMaxAge is how long clients and CDNs may keep an export without asking again, unless
// the server is told otherwise. The data only changes with a new build; the ETag names the
// build, so asking again is cheap.
const DefaultMaxAge = 5 * time.Minute

// Handler serves GET /export/graph.json and GET /export/{kind}.csv from the store, with
// Cache-Control max-age maxAge (DefaultMaxAge when zero). graph.json lists its links under
// "links"; graph.json?links=edges lists them under "edges", for NetworkX 3.6 and later. The
// store is read-only, so each file is built once, on its first request, and kept. Route
// Prefix to it:
//
//	mux.Handle("GET "+export.Prefix, export.Handler(store, logger, maxAge))
func Handler(store *sqlite.Store, logger *slog.Logger, maxAge time.Duration) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return &handler{store: store, logger: logger, files: map[string][]byte{},
		cacheControl: fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds()))}
}

type handler struct {
	store        *sqlite.Store
	logger       *slog.Logger
	cacheControl string

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
	variant := name // the file, or graph.json with its links under another key
	if name == GraphFile {
		switch key := r.URL.Query().Get("links"); key {
		case "", LinksKey:
		case EdgesKey:
			variant = name + "?links=" + EdgesKey
		default:
			http.Error(w, fmt.Sprintf("links=%s: want links=%s (the default) or links=%s", kg.QuoteInput(key).Quote(kg.QuoteChars(r.Context())), LinksKey, EdgesKey), http.StatusBadRequest)
			return
		}
	}
	hd := w.Header()
	hd.Set("Content-Type", contentTypes[path.Ext(name)])
	hd.Set("Cache-Control", h.cacheControl)
	// The dataset, the database build and the program that writes the file: a new program on
	// the same seeds may write the file differently.
	etag := `"` + h.store.Version() + "-" + buildTag(h.store) + "-" + strings.ReplaceAll(variant, "?links=", "-") + `"`
	hd.Set("ETag", etag)
	hd.Set("X-Content-Type-Options", "nosniff")
	if path.Ext(name) == ".csv" {
		hd.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	if conditional.NotModified(r, etag) {
		// Answered before the file is built: a client revalidating after a restart
		// does not make the server build it.
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, err := h.file(r.Context(), variant)
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
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// file returns the export, building it on first use.
func (h *handler) file(ctx context.Context, variant string) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if b, ok := h.files[variant]; ok {
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
	var err error
	if _, key, ok := strings.Cut(variant, "?links="); ok {
		err = h.data.WriteGraphJSONKey(&buf, key)
	} else {
		err = h.data.Write(&buf, variant)
	}
	if err != nil {
		return nil, err
	}
	h.files[variant] = buf.Bytes()
	return buf.Bytes(), nil
}

func (h *handler) urls() []string {
	var out []string
	for _, f := range Files() {
		out = append(out, Prefix+f)
	}
	return out
}

// buildTag is a short hash of what, besides the dataset, decides an export's bytes.
func buildTag(s *sqlite.Store) string {
	sum := sha256.Sum256([]byte(s.BuildID() + "/" + sqlite.ProgramID()))
	return hex.EncodeToString(sum[:6])
}
