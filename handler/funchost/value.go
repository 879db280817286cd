package funchost

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrMalformed marks an envelope or value that cannot be decoded. Decoders wrap it, so
// callers can test with errors.Is.
var ErrMalformed = errors.New("malformed envelope")

// ErrMissing marks a Data or Metadata entry that is absent.
var ErrMissing = errors.New("envelope entry missing")

// Request is the body of an envelope invocation: one Data entry per input binding and
// the trigger's binding data in Metadata. Values stay raw until a typed decoder reads
// them, because their encoding depends on the binding.
type Request struct {
	Data     map[string]json.RawMessage `json:"Data"`
	Metadata map[string]json.RawMessage `json:"Metadata"`
}

// Sys is Metadata.sys, which the host adds to every invocation.
type Sys struct {
	MethodName string `json:"MethodName"`
	UtcNow     string `json:"UtcNow"`
	RandGuid   string `json:"RandGuid"`
}

// Meta returns the Metadata entry with the given key. An exact match wins; otherwise the
// key is matched without regard to case, as the host's binding data is case-insensitive.
func (r *Request) Meta(key string) (json.RawMessage, bool) {
	return lookup(r.Metadata, key)
}

// DataValue returns the Data entry of the named binding, matched like [Request.Meta].
func (r *Request) DataValue(name string) (json.RawMessage, bool) {
	return lookup(r.Data, name)
}

// MetaText returns a Metadata entry decoded with [DecodeText]; ok is false when the key
// is absent or JSON null.
func (r *Request) MetaText(key string) (string, bool, error) {
	raw, ok := r.Meta(key)
	if !ok || isNull(raw) {
		return "", false, nil
	}
	s, err := DecodeText(raw)
	if err != nil {
		return "", false, fmt.Errorf("metadata %s: %w", key, err)
	}
	return s, true, nil
}

// Sys decodes Metadata.sys; a missing sys gives a zero Sys.
func (r *Request) Sys() (Sys, error) {
	var s Sys
	raw, ok := r.Meta("sys")
	if !ok || isNull(raw) {
		return s, nil
	}
	obj, err := objectJSON(raw)
	if err != nil {
		return s, fmt.Errorf("metadata sys: %w", err)
	}
	if err := json.Unmarshal(obj, &s); err != nil {
		return s, fmt.Errorf("metadata sys: %w: %w", ErrMalformed, err)
	}
	return s, nil
}

func lookup(m map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// DecodeText applies the host's string rule (contract §2.4, step 3) and returns text:
// a JSON string is decoded, then its content is decoded once more when it is itself a
// JSON string, number or boolean literal; when that second decode fails (timestamps and
// other plain strings) the first result is kept. Numbers and booleans sent bare are
// returned as their JSON text. The Data value "null" (the host's encoding of a null)
// gives "". Objects and arrays are an error: use [DecodeJSON] for those.
func DecodeText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("decode text: %w: empty value", ErrMalformed)
	}
	switch raw[0] {
	case '{', '[':
		return "", fmt.Errorf("decode text: %w: got a JSON %s", ErrMalformed, kind(raw))
	case 'n':
		return "", nil
	case '"':
	default:
		return string(raw), nil
	}

	var first string
	if err := json.Unmarshal(raw, &first); err != nil {
		return "", fmt.Errorf("decode text: %w: %w", ErrMalformed, err)
	}
	return secondDecode(first), nil
}

// secondDecode decodes the content of an already-decoded string once more.
func secondDecode(first string) string {
	inner := strings.TrimSpace(first)
	if inner == "" {
		return first
	}
	switch {
	case inner[0] == '"':
		var s string
		if json.Unmarshal([]byte(inner), &s) == nil {
			return s
		}
	case inner == "null":
		return ""
	case inner == "true" || inner == "false":
		return inner
	case inner[0] == '-' || (inner[0] >= '0' && inner[0] <= '9'):
		if json.Valid([]byte(inner)) {
			return inner
		}
	}
	return first
}

// DecodeBytes decodes a value sent for a `dataType: binary` binding: a JSON string that
// holds standard base64. The empty string gives an empty, non-nil slice.
func DecodeBytes(raw json.RawMessage) ([]byte, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("decode bytes: %w: not a JSON string", ErrMalformed)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("decode bytes: %w: %w", ErrMalformed, err)
	}
	return b, nil
}

// DecodeJSON returns the JSON document a value stands for (contract §2.4): an object or
// array is returned as it is; a string whose (once or twice) decoded content is JSON
// text is returned as that text. Anything else is an error.
func DecodeJSON(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	for range 3 {
		if len(raw) == 0 {
			break
		}
		if raw[0] == '{' || raw[0] == '[' {
			return raw, nil
		}
		if raw[0] != '"' {
			break
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			break
		}
		next := bytes.TrimSpace([]byte(s))
		if !json.Valid(next) {
			break
		}
		raw = next
	}
	return nil, fmt.Errorf("decode json: %w: not a JSON object or array", ErrMalformed)
}

// objectJSON is DecodeJSON restricted to objects.
func objectJSON(raw json.RawMessage) (json.RawMessage, error) {
	doc, err := DecodeJSON(raw)
	if err != nil {
		return nil, err
	}
	if doc[0] != '{' {
		return nil, fmt.Errorf("decode object: %w: got a JSON array", ErrMalformed)
	}
	return doc, nil
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func kind(raw json.RawMessage) string {
	if len(raw) > 0 && raw[0] == '[' {
		return "array"
	}
	return "object"
}
