package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ValidateFile validates the JSON document in file against the schema in schemaPath. The
// schema is loaded from disk only; nothing is fetched from the network.
func ValidateFile(schemaPath, file string) error {
	abs, err := filepath.Abs(schemaPath)
	if err != nil {
		return fmt.Errorf("schema path: %w", err)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(abs)
	if err != nil {
		return fmt.Errorf("compile schema %s: %w", schemaPath, err)
	}

	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("open %s: %w", file, err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return fmt.Errorf("parse %s: %w", file, err)
	}
	if err := sch.Validate(doc); err != nil {
		return fmt.Errorf("%s does not match %s: %w", file, filepath.Base(schemaPath), err)
	}
	return nil
}
