package extract

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5" //nolint:gosec // PDF's standard security handler is defined with MD5
	"crypto/rc4" //nolint:gosec // and RC4; we only read such files
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"errors"
	"hash"
)

// pdfCrypt decrypts the strings and streams of a PDF opened with the empty
// user password by the standard security handler: RC4 and AES-128
// (V 1, 2 and 4, R 2 to 4) and AES-256 (V 5, R 5 and 6).
type pdfCrypt struct {
	key       []byte
	v         int
	aesStm    bool // streams use AES (else RC4, or none when identity)
	aesStr    bool
	identStm  bool
	identStr  bool
	dictNum   int // the /Encrypt dictionary's own object number
	keyLength int
}

// errNeedsPassword means the empty user password does not open the file.
var errNeedsPassword = errors.New("pdf needs a password")

// errUnsupportedCrypt means the file uses a security handler we cannot
// read (a public-key or custom handler).
var errUnsupportedCrypt = errors.New("unsupported pdf security handler")

// passwordPad is the padding string of the standard security handler.
var passwordPad = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

// newPDFCrypt tries the empty user password against the /Encrypt
// dictionary. It returns errNeedsPassword when that fails.
func newPDFCrypt(enc pdfDict, encNum int, id []byte) (*pdfCrypt, error) {
	if enc["Filter"] != pdfName("Standard") {
		return nil, errUnsupportedCrypt
	}
	v, _ := enc["V"].(int64)
	r, _ := enc["R"].(int64)
	c := &pdfCrypt{v: int(v), dictNum: encNum}
	c.setMethods(enc)
	o, _ := enc["O"].(pdfString)
	u, _ := enc["U"].(pdfString)
	switch {
	case v == 5 && (r == 5 || r == 6):
		ue, _ := enc["UE"].(pdfString)
		key, ok := aes256Key(u, ue, int(r))
		if !ok {
			return nil, errNeedsPassword
		}
		c.key = key
		return c, nil
	case v >= 1 && v <= 4 && r >= 2 && r <= 4:
		length, _ := enc["Length"].(int64)
		if length == 0 || v == 1 {
			length = 40
		}
		if length < 40 || length > 128 || length%8 != 0 {
			return nil, errUnsupportedCrypt
		}
		p, _ := enc["P"].(int64)
		encMeta := enc["EncryptMetadata"] != false
		c.keyLength = int(length / 8)
		c.key = rc4FileKey(o, uint32(int32(p)), id, int(r), c.keyLength, encMeta)
		if !checkUserRC4(c.key, u, id, int(r)) {
			return nil, errNeedsPassword
		}
		return c, nil
	}
	return nil, errUnsupportedCrypt
}

// setMethods reads which cipher (or none) strings and streams use.
func (c *pdfCrypt) setMethods(enc pdfDict) {
	if c.v < 4 {
		return
	}
	cf, _ := enc["CF"].(pdfDict)
	method := func(key pdfName) (aes, ident bool) {
		name, _ := enc[key].(pdfName)
		if name == "" || name == "Identity" {
			return false, name == "Identity"
		}
		f, _ := cf[name].(pdfDict)
		switch f["CFM"] {
		case pdfName("AESV2"), pdfName("AESV3"):
			return true, false
		case pdfName("None"):
			return false, true
		}
		return false, false
	}
	c.aesStm, c.identStm = method("StmF")
	c.aesStr, c.identStr = method("StrF")
}

func rc4FileKey(o []byte, p uint32, id []byte, r, n int, encMeta bool) []byte {
	h := md5.New() //nolint:gosec // required by the PDF standard
	h.Write(passwordPad)
	h.Write(padTo32(o))
	var pb [4]byte
	binary.LittleEndian.PutUint32(pb[:], p)
	h.Write(pb[:])
	h.Write(id)
	if r >= 4 && !encMeta {
		h.Write([]byte{0xFF, 0xFF, 0xFF, 0xFF})
	}
	key := h.Sum(nil)
	if r >= 3 {
		for i := 0; i < 50; i++ {
			s := md5.Sum(key[:n]) //nolint:gosec // required by the PDF standard
			key = s[:]
		}
	}
	return key[:n]
}

func padTo32(b []byte) []byte {
	out := make([]byte, 32)
	copy(out, b)
	return out
}

// checkUserRC4 verifies the file key against /U (algorithms 4 and 5).
func checkUserRC4(key, u, id []byte, r int) bool {
	if r == 2 {
		out := make([]byte, 32)
		c, _ := rc4.NewCipher(key) //nolint:gosec // required by the PDF standard
		c.XORKeyStream(out, passwordPad)
		return bytes.Equal(out, padTo32(u))
	}
	h := md5.New() //nolint:gosec // required by the PDF standard
	h.Write(passwordPad)
	h.Write(id)
	out := h.Sum(nil)
	for i := 0; i < 20; i++ {
		k := make([]byte, len(key))
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		c, _ := rc4.NewCipher(k) //nolint:gosec // required by the PDF standard
		c.XORKeyStream(out, out)
	}
	return len(u) >= 16 && bytes.Equal(out[:16], u[:16])
}

// aes256Key checks the empty user password against /U and unwraps the file
// key from /UE (ISO 32000-2, algorithms 2.A and 2.B; R 5 uses plain
// SHA-256).
func aes256Key(u, ue []byte, r int) ([]byte, bool) {
	if len(u) < 48 || len(ue) < 32 {
		return nil, false
	}
	if !bytes.Equal(hash2B(nil, u[32:40], r), u[:32]) {
		return nil, false
	}
	block, err := aes.NewCipher(hash2B(nil, u[40:48], r))
	if err != nil {
		return nil, false
	}
	key := make([]byte, 32)
	cipher.NewCBCDecrypter(block, make([]byte, 16)).CryptBlocks(key, ue[:32])
	return key, true
}

// hash2B is the password hash of R 6 (algorithm 2.B) or, for R 5, a single
// SHA-256.
func hash2B(pw, salt []byte, r int) []byte {
	h := sha256.New()
	h.Write(pw)
	h.Write(salt)
	k := h.Sum(nil)
	if r == 5 {
		return k
	}
	for round := 0; ; round++ {
		k1 := bytes.Repeat(append(append([]byte{}, pw...), k...), 64)
		block, _ := aes.NewCipher(k[:16])
		e := make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		var sum int
		for _, b := range e[:16] {
			sum += int(b)
		}
		var next hash.Hash
		switch sum % 3 {
		case 0:
			next = sha256.New()
		case 1:
			next = sha512.New384()
		default:
			next = sha512.New()
		}
		next.Write(e)
		k = next.Sum(nil)
		if round >= 63 && int(e[len(e)-1]) <= round-31 {
			return k[:32]
		}
	}
}

// objectKey derives the per-object key (V < 5); V 5 uses the file key.
func (c *pdfCrypt) objectKey(num, gen int, useAES bool) []byte {
	if c.v == 5 {
		return c.key
	}
	h := md5.New() //nolint:gosec // required by the PDF standard
	h.Write(c.key)
	h.Write([]byte{byte(num), byte(num >> 8), byte(num >> 16), byte(gen), byte(gen >> 8)})
	if useAES {
		h.Write([]byte("sAlT"))
	}
	return h.Sum(nil)[:min(len(c.key)+5, 16)]
}

func (c *pdfCrypt) decrypt(b []byte, num, gen int, useAES bool) []byte {
	key := c.objectKey(num, gen, useAES)
	if !useAES {
		out := make([]byte, len(b))
		rc, _ := rc4.NewCipher(key) //nolint:gosec // required by the PDF standard
		rc.XORKeyStream(out, b)
		return out
	}
	if len(b) < 32 || len(b)%16 != 0 {
		return nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil
	}
	out := make([]byte, len(b)-16)
	cipher.NewCBCDecrypter(block, b[:16]).CryptBlocks(out, b[16:])
	if pad := int(out[len(out)-1]); pad >= 1 && pad <= 16 && pad <= len(out) {
		out = out[:len(out)-pad]
	}
	return out
}

func (c *pdfCrypt) decryptStream(b []byte, num, gen int) []byte {
	if c.identStm {
		return b
	}
	return c.decrypt(b, num, gen, c.aesStm || c.v == 5 && !c.identStm)
}

// decryptObject decrypts every string inside o (streams are decrypted when
// decoded).
func (c *pdfCrypt) decryptObject(o any, num, gen int) any {
	if c.identStr {
		return o
	}
	switch v := o.(type) {
	case pdfString:
		return pdfString(c.decrypt(v, num, gen, c.aesStr || c.v == 5))
	case pdfArray:
		for i := range v {
			v[i] = c.decryptObject(v[i], num, gen)
		}
	case pdfDict:
		for k := range v {
			v[k] = c.decryptObject(v[k], num, gen)
		}
	case *pdfStream:
		c.decryptObject(v.dict, num, gen)
	}
	return o
}
