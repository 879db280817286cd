package funchost

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Blob is a decoded blob-trigger invocation (contract §2.6) for a binding with
// `dataType: binary`.
type Blob struct {
	// Content holds the exact blob bytes (empty, not nil, for a zero-byte blob).
	Content []byte
	// URI is Metadata.Uri, the blob's full URL.
	URI string
	// Path is `<container>/<blob name>` rebuilt from the binding's path template and the
	// path parameters (the host never sends the BlobTrigger path itself).
	Path string
	// Params holds the path parameters, e.g. patientId and documentId.
	Params map[string]string
	// Properties is Metadata.Properties.
	Properties BlobProperties
	// Metadata is the blob's user metadata (Metadata.Metadata).
	Metadata map[string]string
}

// BlobProperties is the subset of Metadata.Properties the project reads. Unknown keys
// are ignored and `ETag` (which the host serialises as `{}`) is not read at all.
type BlobProperties struct {
	ContentLength int64
	ContentType   string
	// ContentHash is the decoded MD5 the storage service holds, or nil when unset.
	ContentHash  []byte
	LastModified Time
	CreatedOn    Time
	Metadata     map[string]string
}

// wireBlobProperties reads Properties tolerantly: numbers may arrive as text and the
// hash may be null.
type wireBlobProperties struct {
	ContentLength flexInt           `json:"ContentLength"`
	ContentType   *string           `json:"ContentType"`
	ContentHash   *string           `json:"ContentHash"`
	LastModified  Time              `json:"LastModified"`
	CreatedOn     Time              `json:"CreatedOn"`
	Metadata      map[string]string `json:"Metadata"`
}

// DecodeBlob decodes the blob binding called name, whose function.json path is
// pathTemplate (e.g. "documents/{patientId}/{documentId}").
func (r *Request) DecodeBlob(name, pathTemplate string) (Blob, error) {
	var b Blob
	raw, ok := r.DataValue(name)
	if !ok {
		return b, fmt.Errorf("decode blob %s: %w", name, ErrMissing)
	}
	content, err := DecodeBytes(raw)
	if err != nil {
		return b, fmt.Errorf("decode blob %s: %w", name, err)
	}
	b.Content = content

	if b.URI, _, err = r.MetaText("Uri"); err != nil {
		return b, fmt.Errorf("decode blob %s: %w", name, err)
	}
	if b.Properties, err = r.blobProperties(); err != nil {
		return b, fmt.Errorf("decode blob %s: %w", name, err)
	}
	if b.Metadata, err = r.stringMap("Metadata"); err != nil {
		return b, fmt.Errorf("decode blob %s: %w", name, err)
	}
	if b.Params, b.Path, err = r.pathParams(pathTemplate); err != nil {
		return b, fmt.Errorf("decode blob %s: %w", name, err)
	}
	return b, nil
}

func (r *Request) blobProperties() (BlobProperties, error) {
	var p BlobProperties
	raw, ok := r.Meta("Properties")
	if !ok || isNull(raw) {
		return p, nil
	}
	obj, err := objectJSON(raw)
	if err != nil {
		return p, fmt.Errorf("properties: %w", err)
	}
	var w wireBlobProperties
	if err := json.Unmarshal(obj, &w); err != nil {
		return p, fmt.Errorf("properties: %w: %w", ErrMalformed, err)
	}
	p = BlobProperties{
		ContentLength: int64(w.ContentLength),
		LastModified:  w.LastModified,
		CreatedOn:     w.CreatedOn,
		Metadata:      w.Metadata,
	}
	if w.ContentType != nil {
		p.ContentType = *w.ContentType
	}
	if w.ContentHash != nil && *w.ContentHash != "" {
		if p.ContentHash, err = base64.StdEncoding.DecodeString(*w.ContentHash); err != nil {
			return p, fmt.Errorf("properties content hash: %w: %w", ErrMalformed, err)
		}
	}
	return p, nil
}

func (r *Request) stringMap(key string) (map[string]string, error) {
	raw, ok := r.Meta(key)
	if !ok || isNull(raw) {
		return map[string]string{}, nil
	}
	obj, err := objectJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("metadata %s: %w", key, err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(obj, &m); err != nil {
		return nil, fmt.Errorf("metadata %s: %w: %w", key, ErrMalformed, err)
	}
	return m, nil
}

// pathParams reads one double-encoded Metadata entry per {param} of the template and
// rebuilds the blob path from them.
func (r *Request) pathParams(template string) (map[string]string, string, error) {
	params := map[string]string{}
	for _, name := range TemplateParams(template) {
		v, ok, err := r.MetaText(name)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			return nil, "", fmt.Errorf("path parameter %s: %w", name, ErrMissing)
		}
		params[name] = v
	}
	return params, ExpandTemplate(template, params), nil
}

var templateParam = regexp.MustCompile(`\{([A-Za-z][A-Za-z0-9_]*)\}`)

// TemplateParams lists the {param} names of a blob path template, in order.
func TemplateParams(template string) []string {
	var names []string
	for _, m := range templateParam.FindAllStringSubmatch(template, -1) {
		names = append(names, m[1])
	}
	return names
}

// ExpandTemplate substitutes params into a blob path template.
func ExpandTemplate(template string, params map[string]string) string {
	return templateParam.ReplaceAllStringFunc(template, func(m string) string {
		return params[m[1:len(m)-1]]
	})
}

// MatchTemplate matches a `container/blob` path against a blob path template the way
// the blob trigger does: literals exactly, each {param} lazily, the last one taking the
// rest of the path (slashes included). ok is false when the path does not match.
func MatchTemplate(template, path string) (params map[string]string, ok bool) {
	var re strings.Builder
	re.WriteString("^")
	last := 0
	for _, loc := range templateParam.FindAllStringSubmatchIndex(template, -1) {
		re.WriteString(regexp.QuoteMeta(template[last:loc[0]]))
		re.WriteString("(?P<" + template[loc[2]:loc[3]] + ">.+?)")
		last = loc[1]
	}
	re.WriteString(regexp.QuoteMeta(template[last:]) + "$")
	compiled, err := regexp.Compile(re.String())
	if err != nil {
		return nil, false
	}
	m := compiled.FindStringSubmatch(path)
	if m == nil {
		return nil, false
	}
	params = map[string]string{}
	for i, name := range compiled.SubexpNames() {
		if name != "" {
			params[name] = m[i]
		}
	}
	return params, true
}

// flexInt reads a JSON number, a numeric string or null.
type flexInt int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(bytes.TrimSpace(b), `"`)
	if len(b) == 0 || string(b) == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("decode integer: %w: %w", ErrMalformed, err)
	}
	*f = flexInt(n)
	return nil
}
