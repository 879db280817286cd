// Command schemacheck validates the Functions configuration files of Patient Tracker.
//
//	schemacheck schema -schema ../shared/schemas/host.json host.json
//	schemacheck functions -dir functions
//
// "schema" validates JSON files against a JSON Schema (draft-04 to 2020-12). "functions"
// applies our own rules to every functions/*/function.json, because the SchemaStore
// function.json schema rejects valid bindings and cannot gate CI.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "schemacheck:", err)
		os.Exit(1)
	}
}

// run dispatches the subcommand in args and reports each checked file to out.
func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: schemacheck schema|functions [flags] [files]")
	}

	switch args[0] {
	case "schema":
		fs := flag.NewFlagSet("schema", flag.ContinueOnError)
		schema := fs.String("schema", "", "JSON Schema file")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("parse flags: %w", err)
		}
		if *schema == "" || fs.NArg() == 0 {
			return errors.New("schema needs -schema and at least one file")
		}
		for _, f := range fs.Args() {
			if err := ValidateFile(*schema, f); err != nil {
				return err
			}
			fmt.Fprintf(out, "schemacheck: %s valid against %s\n", f, *schema)
		}
		return nil
	case "functions":
		fs := flag.NewFlagSet("functions", flag.ContinueOnError)
		dir := fs.String("dir", "functions", "folder of function folders")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("parse flags: %w", err)
		}
		n, err := CheckFunctions(*dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "schemacheck: %d function.json files follow our rules\n", n)
		return nil
	default:
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
}
