package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/treatygraph/treatygraph/internal/conditional"
)

// jsonTransport is how GraphQL requests reach the executor: a JSON object in the body of a
// POST with Content-Type application/json, or the same fields in the query string of a GET
// (queries only; answers carry ETag and Cache-Control, see cache.go). Everything else is
// refused with a GraphQL error and a 4xx status:
//
//   - form-encoded, multipart and other bodies (415): browsers send them cross-site without
//     a preflight, so they would allow cross-site request forgery;
//   - bodies over maxBodyBytes (413);
//   - batches, JSON arrays of operations (400): one operation per request keeps the limits
//     per request meaningful and GET answers cacheable; HTTP/2 makes batching unnecessary;
//   - mutations and subscriptions over GET (405), and methods other than GET and POST (405);
//   - requests without a query or a persisted query's hash (400).
//
// A GET without a query from a browser (Accept: text/html) gets a page pointing to GraphiQL
// (endpointpage.go). OPTIONS and HEAD are left to gqlgen's Options transport.
type jsonTransport struct {
	cache        httpCache
	timeout      time.Duration
	maxBodyBytes int
}

var _ graphql.Transport = jsonTransport{}

func (jsonTransport) Supports(r *http.Request) bool {
	return r.Method != http.MethodOptions && r.Method != http.MethodHead
}

func (t jsonTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseContentType(r)
	start := graphql.Now()
	var params *graphql.RawParams
	var status int
	var err *gqlerror.Error
	switch r.Method {
	case http.MethodGet:
		if wantsHTML(r) {
			endpointPage(w, r)
			return
		}
		params, status, err = paramsFromURL(r.URL.RawQuery)
	case http.MethodPost:
		params, status, err = paramsFromBody(w, r, t.maxBodyBytes)
	default:
		w.Header().Set("Allow", "GET, POST, OPTIONS")
		status, err = http.StatusMethodNotAllowed, refusal(CodeMethodNotAllowed,
			"method %s is not allowed on the GraphQL endpoint: send queries with GET or POST", r.Method)
	}
	if err == nil && params.Query == "" && params.Extensions["persistedQuery"] == nil {
		status, err = http.StatusBadRequest, refusal(CodeBadRequest,
			`the request has no query: send a GraphQL document in "query", e.g. {"query": "{ states { totalCount } }"}`)
	}
	if err != nil {
		writeRequestError(w, contentType, status, exec.DispatchError(ctx, gqlerror.List{err}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	isGET := r.Method == http.MethodGet
	var etag string
	if isGET {
		// The ETag is known before anything runs, so a revalidation is answered here.
		addVary(w.Header(), "Accept")
		etag = t.cache.etag(params, contentType)
		if conditional.NotModified(r, etag) { // an encoding's suffix is gone (conditionalHeaders)
			t.cache.setCacheable(w.Header(), etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		if isGET {
			noStore(w.Header())
		}
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeRequestError(w, contentType, requestErrorStatus(errs, contentType), resp)
		return
	}
	if isGET && opCtx.Operation.Operation != ast.Query {
		noStore(w.Header())
		w.Header().Set("Allow", "POST")
		err := refusal(CodeMethodNotAllowed, "GET requests may only run queries: send this %s with POST", opCtx.Operation.Operation)
		writeRequestError(w, contentType, http.StatusMethodNotAllowed, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlerror.List{err}))
		return
	}

	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil {
		// The executor answers nothing when the request's context ended before it began.
		resp = exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlerror.List{timeoutError(t.timeout)})
	}
	if isGET && len(resp.Errors) == 0 {
		t.writeCacheable(w, r, contentType, etag, resp)
		return
	}
	if isGET {
		noStore(w.Header())
	}
	write(ctx, r, w, contentType, http.StatusOK, resp)
}

// writeCacheable writes the answer to a GET without errors, tagged etag, through
// http.ServeContent: If-None-Match: * (any current answer) gets 304 only here, once the
// answer is known to be cacheable; errors and invalid queries never reach it.
func (t jsonTransport) writeCacheable(w http.ResponseWriter, r *http.Request, contentType, etag string, resp *graphql.Response) {
	b, enc, err := answerBody(r.Context(), r, resp)
	if err != nil {
		noStore(w.Header())
		writeBody(w, contentType, http.StatusInternalServerError, internalErrorBody)
		return
	}
	if enc != "" {
		etag = withETagSuffix(etag, "-"+enc) // gzipETagSuffix, brETagSuffix
		w.Header().Set("Content-Encoding", enc)
	}
	t.cache.setCacheable(w.Header(), etag)
	w.Header().Set("Content-Type", contentType+"; charset=utf-8")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
}

// answerBody is resp's bytes as they go out to r, and their encoding ("br", "gzip" or ""). A
// kept answer is sent as it was kept, compressed to a client that takes that encoding
// (keptEncoding); an answer that may be kept is kept here, once written.
func answerBody(ctx context.Context, r *http.Request, resp *graphql.Response) (b []byte, enc string, err error) {
	kept, keep := infoFrom(ctx).answerKept()
	if kept == nil {
		if b, err = encodeResponse(ctx, resp); err != nil {
			return nil, "", err
		}
		if keep == nil || len(resp.Errors) > 0 || ctx.Err() != nil {
			return b, "", nil // compress, around the mux, compresses it on the way out
		}
		kept = keep(b)
	}
	switch enc := keptEncoding(r.Header); {
	case kept.raw != nil:
		return kept.raw, "", nil // compress, around the mux, compresses it for a client that accepts it
	case enc == "br" && kept.br != nil:
		return kept.br, enc, nil
	case enc == "gzip" && kept.gz != nil:
		return kept.gz, enc, nil
	}
	if b != nil {
		return b, "", nil
	}
	b, err = kept.plain()
	return b, "", err
}

// paramsFromURL reads query, operationName, variables and extensions from a query string.
func paramsFromURL(rawQuery string) (*graphql.RawParams, int, *gqlerror.Error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, http.StatusBadRequest, refusal(CodeBadRequest, "the query string is malformed: %v", err)
	}
	p := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName")}
	for _, f := range []struct {
		name string
		dst  *map[string]any
	}{{"variables", &p.Variables}, {"extensions", &p.Extensions}} {
		if s := q.Get(f.name); s != "" {
			if err := decodeObject([]byte(s), f.dst); err != nil {
				return nil, http.StatusBadRequest, refusal(CodeBadRequest, "the %s parameter must be a JSON object: %s", f.name, err)
			}
		}
	}
	return p, 0, nil
}

// paramsFromBody reads a JSON POST body of at most maxBytes.
func paramsFromBody(w http.ResponseWriter, r *http.Request, maxBytes int) (*graphql.RawParams, int, *gqlerror.Error) {
	given := r.Header.Get("Content-Type")
	if mediaType, _, err := mime.ParseMediaType(given); err != nil || mediaType != "application/json" {
		if given == "" {
			given = "none"
		} else {
			given = fmt.Sprintf("%q", given)
		}
		return nil, http.StatusUnsupportedMediaType, refusal(CodeUnsupportedMediaType,
			"POST bodies must be JSON sent with Content-Type: application/json, got %s (form and multipart bodies are refused: browsers send them cross-site without asking)", given)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, int64(maxBytes)))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, http.StatusRequestEntityTooLarge, refusal(CodeRequestTooLarge,
				"the request body is larger than the limit of %d bytes", maxBytes)
		}
		return nil, http.StatusBadRequest, refusal(CodeBadRequest, "the request body could not be read")
	}
	switch trimmed := bytes.TrimLeft(body, " \t\r\n"); {
	case len(trimmed) == 0:
		return nil, http.StatusBadRequest, refusal(CodeBadRequest, `the request body is empty: send a JSON object such as {"query": "{ states { totalCount } }"}`)
	case trimmed[0] == '[':
		return nil, http.StatusBadRequest, refusal(CodeBatchingNotSupported,
			"batched requests (a JSON array of operations) are not supported: send each operation in its own request")
	}
	// One pass over the body, into values (not a struct, whose keys would match in any case).
	var fields map[string]any
	if err := decodeObject(body, &fields); err != nil {
		return nil, http.StatusBadRequest, refusal(CodeBadRequest, "the request body must be a JSON object: %s", err)
	}
	p := &graphql.RawParams{}
	for _, name := range []string{"query", "operationName", "variables", "extensions"} {
		v := fields[name]
		if v == nil {
			continue // absent or null
		}
		var ok bool
		kind := "a string"
		switch name {
		case "query":
			p.Query, ok = v.(string)
		case "operationName":
			p.OperationName, ok = v.(string)
		case "variables":
			p.Variables, ok = v.(map[string]any)
			kind = "a JSON object"
		case "extensions":
			p.Extensions, ok = v.(map[string]any)
			kind = "a JSON object"
		}
		if !ok {
			return nil, http.StatusBadRequest, refusal(CodeBadRequest, "%q in the request body must be %s or null", name, kind)
		}
	}
	return p, 0, nil
}

// decodeObject decodes one JSON object, numbers kept as json.Number as gqlgen expects, and
// nothing after it. Its errors describe the JSON, never Go types.
func decodeObject(b []byte, dst *map[string]any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		var syntax *json.SyntaxError
		switch {
		case errors.As(err, &syntax):
			return fmt.Errorf("invalid JSON at byte %d: %s", syntax.Offset, syntax.Error())
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return errors.New("the JSON ends too early")
		default:
			return errors.New("not a JSON object")
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more follows the JSON object")
	}
	return nil
}

// requestErrorStatus is the status of a well-formed request refused before execution, as
// the GraphQL-over-HTTP specification asks: for parse, validation and limit errors, 400 to
// clients that accept application/graphql-response+json and 200 to the others, since
// clients that know only application/json (Apollo Client 3, curl scripts) take any other
// status for a network failure and drop the errors; and 200 for the rest (a persisted query
// not found, which clients answer by sending the query).
func requestErrorStatus(errs gqlerror.List, contentType string) int {
	if errcode.GetErrorKind(errs) == errcode.KindProtocol && contentType == graphqlResponseJSON {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

const graphqlResponseJSON = "application/graphql-response+json"

// responseContentType picks application/json unless the client accepts only the GraphQL
// response media type.
func responseContentType(r *http.Request) string {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return "application/json"
	}
	for part := range strings.SplitSeq(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mediaType {
		case "application/json", "application/*", "*/*":
			return "application/json"
		case graphqlResponseJSON:
			return graphqlResponseJSON
		}
	}
	return "application/json"
}

// writeRequestError sends the errors of a request that did not execute. Such a response has
// no "data" entry at all, as the GraphQL specification asks, which tells clients that
// nothing ran (a "data": null would mean that execution began and failed).
func writeRequestError(w http.ResponseWriter, contentType string, status int, resp *graphql.Response) {
	b, err := json.Marshal(struct {
		Errors     gqlerror.List  `json:"errors"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{resp.Errors, resp.Extensions})
	if err != nil {
		b, err = json.Marshal(resp)
		if err != nil {
			status, b = http.StatusInternalServerError, internalErrorBody
		}
		writeBody(w, contentType, status, b)
		return
	}
	w.Header().Set("Content-Type", contentType+"; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// write sends a GraphQL response as JSON.
func write(ctx context.Context, r *http.Request, w http.ResponseWriter, contentType string, status int, resp *graphql.Response) {
	b, enc, err := answerBody(ctx, r, resp)
	if err != nil {
		// Only a resolver returning a value JSON cannot hold gets here.
		status, b, enc = http.StatusInternalServerError, internalErrorBody, ""
	}
	if enc != "" {
		w.Header().Set("Content-Encoding", enc)
	}
	writeBody(w, contentType, status, b)
}

// encodeResponse writes resp as json.Marshal does, without json.Marshal's scan of the data.
// The data is the executor's compact JSON, so escaping <, > and & (and U+2028, U+2029) as
// json.Marshal would is all that is left to do, straight into the answer's buffer (one copy
// of the data, not two). A kept answer is not
// encoded again: it is sent as it was written (respcache.go, answerBody).
// For a large answer, that scan was a tenth of a fresh request and most of a repeated one.
func encodeResponse(ctx context.Context, resp *graphql.Response) ([]byte, error) {
	if resp.Label != "" || resp.Path != nil || resp.HasNext != nil {
		return json.Marshal(resp)
	}
	var b bytes.Buffer
	b.Grow(len(resp.Data) + len(resp.Data)/64 + 256)
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		errs, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		b.WriteString(`"errors":`)
		b.Write(errs)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	if len(resp.Data) == 0 {
		b.WriteString("null")
	} else {
		// As json.Marshal writes a json.RawMessage holding compact JSON.
		json.HTMLEscape(&b, resp.Data)
	}
	if len(resp.Extensions) > 0 {
		b.WriteString(`,"extensions":`)
		if err := writeObject(&b, resp.Extensions); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeObject writes m as json.Marshal does, keys sorted, each value as writeJSONValue writes
// it: the same bytes, without json.Marshal reflecting over the map.
func writeObject(b *bytes.Buffer, m map[string]any) error {
	var arr [4]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := writeJSONValue(b, k); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := writeJSONValue(b, m[k]); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

// writeJSONValue writes v as json.Marshal does. The values every answer carries (the cost
// and the dataset version) are written directly; anything else goes through json.Marshal.
func writeJSONValue(b *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case string:
		if plainJSONString(v) {
			b.WriteByte('"')
			b.WriteString(v)
			b.WriteByte('"')
			return nil
		}
	case costExtension:
		var num [20]byte
		b.WriteString(`{"maximumAvailable":`)
		b.Write(strconv.AppendInt(num[:0], int64(v.MaximumAvailable), 10))
		b.WriteString(`,"requestedQueryCost":`)
		b.Write(strconv.AppendInt(num[:0], int64(v.RequestedQueryCost), 10))
		b.WriteByte('}')
		return nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(j)
	return nil
}

// plainJSONString reports whether json.Marshal writes s as it is between quotes: printable
// ASCII without the characters it escapes (", \, and <, > and & for HTML).
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// internalErrorBody answers a response that cannot be written as JSON.
var internalErrorBody = []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)

func writeBody(w http.ResponseWriter, contentType string, status int, b []byte) {
	w.Header().Set("Content-Type", contentType+"; charset=utf-8")
	// The answer is whole: its length lets it go out in one piece rather than chunked (a
	// compressing writer drops it when it compresses).
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
