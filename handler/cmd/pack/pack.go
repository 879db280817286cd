package main

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// epoch is the modification time of every entry, so the same inputs give the same zip.
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// excluded names never go into a package: local settings hold developer secrets.
var excluded = map[string]bool{"local.settings.json": true}

// WriteZip zips the files under dir into dest, keeping each file's Unix mode, and returns
// the number of entries. Entries are sorted and time-stamped alike for reproducible output.
func WriteZip(dir, dest string) (int, error) {
	files, err := listFiles(dir)
	if err != nil {
		return 0, err
	}

	f, err := os.Create(dest)
	if err != nil {
		return 0, fmt.Errorf("create zip: %w", err)
	}
	zw := zip.NewWriter(f)

	for _, rel := range files {
		if err := addFile(zw, dir, rel); err != nil {
			f.Close()
			return 0, err
		}
	}

	if err := zw.Close(); err != nil {
		f.Close()
		return 0, fmt.Errorf("close zip: %w", err)
	}
	if err := f.Close(); err != nil {
		return 0, fmt.Errorf("close zip file: %w", err)
	}
	return len(files), nil
}

// listFiles returns the regular files under dir as sorted slash paths, without excluded ones.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || excluded[d.Name()] {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list package files: %w", err)
	}
	sort.Strings(files)
	return files, nil
}

// addFile writes one file into zw under its relative name with its mode.
func addFile(zw *zip.Writer, dir, rel string) error {
	src := filepath.Join(dir, filepath.FromSlash(rel))
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("stat %s: %w", rel, err)
	}

	hdr, err := zip.FileInfoHeader(info)
	if err != nil {
		return fmt.Errorf("zip header %s: %w", rel, err)
	}
	hdr.Name = rel
	hdr.Method = zip.Deflate
	hdr.Modified = epoch
	hdr.SetMode(info.Mode().Perm())

	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("zip entry %s: %w", rel, err)
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", rel, err)
	}
	defer in.Close()
	if _, err := io.Copy(w, in); err != nil {
		return fmt.Errorf("copy %s: %w", rel, err)
	}
	return nil
}

// FunctionNames lists the function folders (those holding a function.json) under dir.
func FunctionNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read functions: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "function.json")); err == nil {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no function folders in %s", dir)
	}
	return names, nil
}

// VerifyZip checks a package: host.json at the root, <name>/function.json for every wanted
// function, the binary at the root with mode 0755, and no local.settings.json anywhere.
func VerifyZip(zipPath string, functions []string, binary string) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return fmt.Errorf("open package: %w", err)
	}
	defer zr.Close()

	entries := make(map[string]*zip.File, len(zr.File))
	var problems []error
	for _, f := range zr.File {
		entries[f.Name] = f
		if path.Base(f.Name) == "local.settings.json" {
			problems = append(problems, fmt.Errorf("%s must not be packaged", f.Name))
		}
		if strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "\\") {
			problems = append(problems, fmt.Errorf("entry %q is not a relative slash path", f.Name))
		}
	}

	if entries["host.json"] == nil {
		problems = append(problems, errors.New("host.json missing at the package root"))
	}
	for _, name := range functions {
		if entries[name+"/function.json"] == nil {
			problems = append(problems, fmt.Errorf("function %s missing (%s/function.json)", name, name))
		}
	}
	problems = append(problems, checkBinary(entries[binary], binary))
	return errors.Join(problems...)
}

// checkBinary reports a missing handler binary or one without mode 0755.
func checkBinary(f *zip.File, name string) error {
	if f == nil {
		return fmt.Errorf("handler binary %s missing at the package root", name)
	}
	if mode := f.Mode().Perm(); mode != 0o755 {
		return fmt.Errorf("handler binary %s has mode %04o, want 0755", name, mode)
	}
	if f.Mode()&fs.ModeType != 0 {
		return fmt.Errorf("handler binary %s is not a regular file", name)
	}
	return nil
}
