//go:build !unix

package testdb

// lock does nothing where there is no flock: test binaries that start together may each
// build the database, and sqlite.Build's rename into place keeps the file whole.
func lock(string) (func(), error) { return func() {}, nil }
