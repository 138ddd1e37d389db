package graph

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
)

// The schema gqlparser builds lists, among the possible types of an interface, the interfaces
// that implement it (Actor among Node's), and introspection's possibleTypes answers that
// list as it is. The specification allows only object types there, and clients that build
// fragment matchers from introspection are misled by an interface. Only the schema's
// introspection and validation's suggestions read the list once the schema is built, and an
// interface's objects are also the objects of the interfaces that implement it, so the list
// is cut down to the object types when the package starts.
func init() { objectPossibleTypesOnly(parsedSchema) }

// objectPossibleTypesOnly keeps only object types among the possible types of each
// interface and union of schema.
func objectPossibleTypesOnly(schema *ast.Schema) {
	for name, types := range schema.PossibleTypes {
		schema.PossibleTypes[name] = slices.DeleteFunc(slices.Clone(types), func(d *ast.Definition) bool { return d.Kind != ast.Object })
	}
}
