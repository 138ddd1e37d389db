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
// store is read-only, so each file is built once, on its first request, and kept with the
// store (sqlite.Store.Derived): every handler over one store serves the same bytes. Route
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
	return &handler{store: store, logger: logger,
		cacheControl: fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds()))}
}

type handler struct {
	store        *sqlite.Store
	logger       *slog.Logger
	cacheControl string
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

// file returns the export, building it on the store's first request for it.
func (h *handler) file(ctx context.Context, variant string) ([]byte, error) {
	v, err := h.store.Derived("export "+variant, func() (any, error) {
		d, err := storeData(ctx, h.store)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if _, key, ok := strings.Cut(variant, "?links="); ok {
			err = d.WriteGraphJSONKey(&buf, key)
		} else {
			err = d.Write(&buf, variant)
		}
		if err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.([]byte), nil
}

// storeData is what Load reads from store, read on the store's first request for an export.
func storeData(ctx context.Context, store *sqlite.Store) (*Data, error) {
	v, err := store.Derived("export data", func() (any, error) { return Load(ctx, store) })
	if err != nil {
		return nil, err
	}
	return v.(*Data), nil
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
