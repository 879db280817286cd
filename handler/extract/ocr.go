package extract

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
)

// OCR turns the pages of a document without a text layer (a scanned PDF,
// a photo) into text. Inspect calls it once per such document. The
// simulated engine is the default; a real OCR service replaces it by
// passing another implementation in Options.OCR.
type OCR interface {
	Recognize(ctx context.Context, in OCRInput) (OCROutput, error)
}

// OCRInput is the document handed to an OCR engine.
type OCRInput struct {
	Data      []byte
	MediaType string
	SHA256    string // hex
	Pages     int
}

// OCROutput is an OCR engine's answer.
type OCROutput struct {
	Text string
	// Confidence is the engine's mean confidence, from 0 to 1.
	Confidence float64
	Engine     string
	// Simulated is true when no recognition took place.
	Simulated bool
}

// SimulatedOCR is a stand-in OCR engine. It recognises nothing: it returns
// a short, clearly marked, non-clinical placeholder text and a confidence,
// both derived from the document's SHA-256, so the same bytes always give
// the same answer. It never invents clinical content or identifiers.
type SimulatedOCR struct{}

// SimulatedEngine is the engine name SimulatedOCR reports.
const SimulatedEngine = "simulated-ocr/1"

// Recognize implements OCR.
func (SimulatedOCR) Recognize(ctx context.Context, in OCRInput) (OCROutput, error) {
	if err := ctx.Err(); err != nil {
		return OCROutput{}, err
	}
	sum, err := hex.DecodeString(in.SHA256)
	if err != nil || len(sum) < 4 {
		return OCROutput{}, fmt.Errorf("simulated ocr: bad sha256")
	}
	// Confidence in [0.50, 0.95], two decimals, from the first two bytes.
	c := 0.50 + 0.45*float64(uint16(sum[0])<<8|uint16(sum[1]))/65535
	pages := max(in.Pages, 1)
	text := fmt.Sprintf("[Simulated OCR] No text was recognised in this %d-page document. "+
		"Reference SIM-%X. Replace the simulated engine with an OCR service to read it.",
		pages, sum[:3])
	return OCROutput{
		Text:       text,
		Confidence: math.Round(c*100) / 100,
		Engine:     SimulatedEngine,
		Simulated:  true,
	}, nil
}
