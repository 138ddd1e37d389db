package server

import (
	"encoding/json"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// refuseChunkedBodies answers 400 to a request whose body is framed by Transfer-Encoding.
// Go's server drops the Content-Length of a request that also has a Transfer-Encoding, as
// RFC 9112 allows, but such a request is how requests are smuggled past a proxy that reads
// the other header; the API's bodies are small JSON documents of known length, so every
// client can send Content-Length instead.
func refuseChunkedBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		b, _ := json.Marshal(graphql.Response{Errors: gqlerror.List{refusal(CodeBadRequest,
			"request bodies framed by Transfer-Encoding are not accepted: send the body with Content-Length")}})
		_, _ = w.Write(b)
	})
}
