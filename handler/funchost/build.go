package funchost

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EncodeText encodes s as the host encodes a .NET string value: a JSON string whose
// content is itself a JSON string literal ("abc" is sent as "\"abc\"").
func EncodeText(s string) json.RawMessage {
	inner, _ := json.Marshal(s)
	outer, _ := json.Marshal(string(inner))
	return outer
}

// EncodeBytes encodes b as the host encodes a byte array: a base64 JSON string.
func EncodeBytes(b []byte) json.RawMessage {
	out, _ := json.Marshal(base64.StdEncoding.EncodeToString(b))
	return out
}

// EncodeTopLevelTime encodes a top-level DateTimeOffset value (e.g. EnqueuedTime): a
// plain JSON string, seconds only, with the offset.
func EncodeTopLevelTime(t time.Time) json.RawMessage {
	out, _ := json.Marshal(FormatTopLevelTime(t))
	return out
}

// NewSys builds Metadata.sys for an invocation of method at now.
func NewSys(method string, now time.Time, randGUID string) Sys {
	return Sys{MethodName: method, UtcNow: FormatUtcNow(now), RandGuid: randGUID}
}

// Envelope names the invocation a builder is for.
type Envelope struct {
	// FunctionName is the function (folder) name; it becomes sys.MethodName.
	FunctionName string
	// Binding is the trigger binding's name, the Data key.
	Binding string
	// Now is the invocation time (sys.UtcNow) and RandGUID is sys.RandGuid.
	Now      time.Time
	RandGUID string
}

func (e Envelope) newRequest() (Request, error) {
	req := Request{Data: map[string]json.RawMessage{}, Metadata: map[string]json.RawMessage{}}
	sys, err := json.Marshal(NewSys(e.FunctionName, e.Now, e.RandGUID))
	if err != nil {
		return req, fmt.Errorf("build sys: %w", err)
	}
	req.Metadata["sys"] = sys
	return req, nil
}

// BuildTimer builds a timer invocation as the host sends it (contract §2.7): Data
// holds the TimerInfo object, Metadata only sys.
func BuildTimer(env Envelope, info TimerInfo) (Request, error) {
	req, err := env.newRequest()
	if err != nil {
		return req, err
	}
	data, err := json.Marshal(info)
	if err != nil {
		return req, fmt.Errorf("build timer: %w", err)
	}
	req.Data[env.Binding] = data
	return req, nil
}

// BlobSource describes a blob for [BuildBlob].
type BlobSource struct {
	// PathTemplate is the binding's path, e.g. "documents/{patientId}/{documentId}".
	PathTemplate string
	// Path is `<container>/<blob name>`.
	Path string
	// URI is the blob's URL.
	URI        string
	Content    []byte
	Properties HostBlobProperties
	// Metadata is the blob's user metadata.
	Metadata map[string]string
}

// BuildBlob builds a blob-trigger invocation for a `dataType: binary` binding as the
// host sends it (contract §2.6): base64 content; Uri and each path parameter
// double-encoded; Properties and Metadata as objects; sys. It fails when the path does
// not match the template.
func BuildBlob(env Envelope, src BlobSource) (Request, error) {
	req, err := env.newRequest()
	if err != nil {
		return req, err
	}
	params, ok := MatchTemplate(src.PathTemplate, src.Path)
	if !ok {
		return req, fmt.Errorf("build blob: path does not match %q", src.PathTemplate)
	}
	meta := src.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	props := src.Properties
	props.Metadata = meta
	propsJSON, err := json.Marshal(props)
	if err != nil {
		return req, fmt.Errorf("build blob properties: %w", err)
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return req, fmt.Errorf("build blob metadata: %w", err)
	}

	req.Data[env.Binding] = EncodeBytes(src.Content)
	req.Metadata["Uri"] = EncodeText(src.URI)
	req.Metadata["Properties"] = propsJSON
	req.Metadata["Metadata"] = metaJSON
	for name, v := range params {
		req.Metadata[name] = EncodeText(v)
	}
	return req, nil
}

// setFold sets m[key] = v, overwriting an existing key that differs only in case while
// keeping its spelling, as the host's case-insensitive binding data does.
func setFold(m map[string]json.RawMessage, key string, v json.RawMessage) {
	for k := range m {
		if strings.EqualFold(k, key) {
			m[k] = v
			return
		}
	}
	m[key] = v
}

// leakJSONObject copies the top-level non-array, non-null properties of a JSON object
// into meta, encoded as the host encodes them (contract §2.3, "Leakage").
func leakJSONObject(meta map[string]json.RawMessage, doc []byte) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(doc, &obj) != nil {
		return
	}
	for k, v := range obj {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || v[0] == '[' || isNull(v):
		case v[0] == '"':
			var s string
			_ = json.Unmarshal(v, &s)
			setFold(meta, k, EncodeText(s))
		case v[0] == '{':
			setFold(meta, k, v)
		default:
			text, _ := json.Marshal(string(v))
			setFold(meta, k, text)
		}
	}
}
