// Command pack builds and checks the Azure Functions deployment package of Patient Tracker.
//
// The package is a zip whose root holds host.json, one folder per function (each with its
// function.json) and the custom handler binary, which must carry Unix mode 0755 or the
// Functions host on Linux cannot start it. The zip is written here, in Go, so it keeps the
// mode on any machine and needs no zip tool.
//
//	pack zip -dir .build/package -out .build/patient-tracker.zip
//	pack verify -zip .build/patient-tracker.zip -functions functions -binary patient-tracker
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
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

// run dispatches the subcommand in args and reports to out.
func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: pack zip|verify [flags]")
	}

	switch args[0] {
	case "zip":
		fs := flag.NewFlagSet("zip", flag.ContinueOnError)
		dir := fs.String("dir", ".build/package", "package folder to zip")
		dest := fs.String("out", ".build/patient-tracker.zip", "zip file to write")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("parse flags: %w", err)
		}
		n, err := WriteZip(*dir, *dest)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "pack: wrote %s (%d entries)\n", *dest, n)
		return nil
	case "verify":
		fs := flag.NewFlagSet("verify", flag.ContinueOnError)
		zipPath := fs.String("zip", ".build/patient-tracker.zip", "zip file to check")
		functions := fs.String("functions", "functions", "source folder of the function folders")
		binary := fs.String("binary", "patient-tracker", "name of the handler binary")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("parse flags: %w", err)
		}
		want, err := FunctionNames(*functions)
		if err != nil {
			return err
		}
		if err := VerifyZip(*zipPath, want, *binary); err != nil {
			return err
		}
		fmt.Fprintf(out, "pack: %s has host.json, %d functions and %s (0755)\n",
			*zipPath, len(want), *binary)
		return nil
	default:
		return fmt.Errorf("unknown subcommand %q", args[0])
	}
}
