package extract

import (
	"crypto/sha256"
	"encoding/hex"
)

// SniffAndHash does only what every document costs before any parsing:
// sniff the real type and hash the bytes. Benchmarks use it as the
// ceiling that Inspect's throughput is compared with.
func SniffAndHash(data []byte) (mediaType, sha256Hex string) {
	sum := sha256.Sum256(data)
	return sniff(data).mediaType, hex.EncodeToString(sum[:])
}
